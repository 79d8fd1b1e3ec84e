//! Issue 23.4: every settlement and statement export names the station (name and code), the
//! period, the state, the version and the content hash; energy is in kWh everywhere (stated in
//! the header); XLSX dates and numbers are typed cells; PDF numbers are right-aligned; CSV has a
//! BOM and `?delimiter=semicolon`. Each format is read back (csv, calamine, lopdf).

use crate::ingest_support::provision;
use crate::settlement_support::*;
use crate::support::{assert_error, TestApp};
use axum::http::{Method, StatusCode};
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use mgc_iam::Role;
use mgc_tests::all_databases;
use serde_json::{json, Value};

const ZONE: &str = "Asia/Shanghai";
const NAME: &str = "Riverside Plant";
const CODE: &str = "rp-01";

/// A station with one settled weekday (2026-03-10) and its draft statement for 2026-03.
async fn given_a_draft_statement(app: &TestApp, admin: &str) -> (String, Value) {
    let body = json!({"code": CODE, "name": NAME, "time_zone": ZONE, "devices": []});
    let station = provision(app, admin, body).await["station"]["id"].as_str().unwrap().to_owned();
    let tariff = create_tariff(app, admin, tou_tariff()).await;
    assign(app, admin, &station, &tariff, "2026-03-01").await;
    settle(app, "acme", &day_event(&station, ZONE, "2026-03-10", 1, 333, 77)).await;
    let body = json!({"station_id": station, "month": "2026-03"});
    let (s, draft) = app.call(Method::POST, "/api/v1/statements/generate", Some(admin), Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{draft}");
    (station, draft)
}

fn csv_rows(bytes: &[u8], delimiter: u8) -> (Vec<String>, Vec<csv::StringRecord>) {
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a CSV export begins with the UTF-8 BOM");
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(&bytes[3..]);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    (header, reader.records().map(Result::unwrap).collect())
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

fn is_kwh(text: &str) -> bool {
    text.split_once('.').is_some_and(|(int, dec)| !int.is_empty() && dec.len() == 3)
}

async fn get_file(app: &TestApp, admin: &str, path: &str) -> Vec<u8> {
    let (s, _, bytes) = download(app, admin, path).await;
    assert_eq!(s, StatusCode::OK, "{path}: {}", String::from_utf8_lossy(&bytes));
    bytes
}

/// Checks the statement CSV names everything on every row; returns the rows' hash.
fn check_statement_csv(bytes: &[u8], delimiter: u8, station: &str, state: &str) -> String {
    let (header, rows) = csv_rows(bytes, delimiter);
    assert_eq!(header, mgc_reports::STATEMENT_CSV_COLUMNS);
    assert!(rows.len() >= 5, "day bands and totals: {rows:?}");
    let hash = rows[0][col(&header, "content_sha256")].to_owned();
    assert!(hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()), "{hash}");
    for r in &rows {
        let field = |name: &str| r[col(&header, name)].to_owned();
        assert_eq!(
            [field("station_code"), field("station_name"), field("station_id"), field("month")],
            [CODE, NAME, station, "2026-03"]
        );
        assert_eq!([field("version"), field("state"), field("content_sha256")], ["1", state, hash.as_str()]);
        let energy = field("energy_kwh");
        assert!(energy.is_empty() || is_kwh(&energy), "energy in kWh with three decimals: {energy}");
    }
    let valley = rows.iter().find(|r| &r[col(&header, "band")] == "valley").unwrap();
    assert_eq!(&valley[col(&header, "energy_kwh")], "13.320", "40 slots of 333 Wh");
    hash
}

#[tokio::test]
async fn given_a_draft_and_its_issued_version_when_downloaded_as_csv_then_each_names_station_period_state_version_and_hash(
) {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let (station, draft) = given_a_draft_statement(&app, &admin).await;
        let id = draft["id"].as_str().unwrap().to_owned();
        let draft_csv = get_file(&app, &admin, &format!("/api/v1/statements/{id}.csv")).await;
        let draft_hash = check_statement_csv(&draft_csv, b',', &station, "draft");

        let (s, issued) = app.call(Method::POST, &format!("/api/v1/statements/{id}/issue"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::OK, "{issued}");
        let issued_csv = get_file(&app, &admin, &format!("/api/v1/statements/{id}.csv")).await;
        let hash = check_statement_csv(&issued_csv, b',', &station, "issued");
        assert_eq!(hash, issued["content_hash"].as_str().unwrap(), "{}: the stamped hash", db.backend);
        assert_eq!(draft_hash, hash, "the draft shows the hash of the same content");
        assert_ne!(draft_csv, issued_csv, "a draft and its issued version are told apart by their state");

        let semi = get_file(&app, &admin, &format!("/api/v1/statements/{id}.csv?delimiter=semicolon")).await;
        assert!(String::from_utf8_lossy(&semi).lines().next().unwrap().contains("station_code;station_name;"));
        check_statement_csv(&semi, b';', &station, "issued");
        let (_, comma) = csv_rows(&issued_csv, b',');
        let (_, semicolon) = csv_rows(&semi, b';');
        assert_eq!(comma, semicolon, "the same records whatever the separator");
        let (s, b) =
            app.call(Method::GET, &format!("/api/v1/statements/{id}.csv?delimiter=tab"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
        assert_error(&b, "invalid_query");
    }
}

#[tokio::test]
async fn given_settled_days_when_exported_then_every_row_names_station_date_state_version_and_hash() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let (station, _) = given_a_draft_statement(&app, &admin).await;
        let path = format!("/api/v1/exports/settlements.csv?station_id={station}&from=2026-03-01&to=2026-03-31");
        let bytes = get_file(&app, &admin, &path).await;
        let (header, rows) = csv_rows(&bytes, b',');
        assert_eq!(header, mgc_reports::SETTLEMENT_CSV_COLUMNS);
        assert_eq!(rows.len(), 5, "{}: four import bands and one export band", db.backend);
        let hash = &rows[0][col(&header, "content_sha256")];
        assert_eq!(hash.len(), 64);
        for r in &rows {
            let field = |name: &str| r[col(&header, name)].to_owned();
            assert_eq!([field("station_code"), field("station_name"), field("station_id")], [CODE, NAME, &station]);
            assert_eq!([field("date"), field("version"), field("state")], ["2026-03-10", "1", "calculated"]);
            assert_eq!(&field("content_sha256"), hash, "one hash per settlement version");
            assert!(is_kwh(&field("energy_kwh")), "{r:?}");
        }
        let semi = get_file(&app, &admin, &format!("{path}&delimiter=semicolon")).await;
        assert_eq!(csv_rows(&semi, b';').1, rows);
    }
}

/// The serial number Excel stores for `date` (days since 1899-12-30).
fn serial(date: &str) -> f64 {
    let d: NaiveDate = date.parse().unwrap();
    (d - NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days() as f64
}

fn date_cell(cell: &Data) -> f64 {
    match cell {
        Data::DateTime(dt) => dt.as_f64(),
        other => panic!("a date cell, not {other:?}"),
    }
}

#[tokio::test]
async fn given_an_issued_statement_when_downloaded_as_xlsx_then_the_header_names_it_and_cells_are_typed() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let (station, draft) = given_a_draft_statement(&app, &admin).await;
        let id = draft["id"].as_str().unwrap().to_owned();
        let draft_xlsx = get_file(&app, &admin, &format!("/api/v1/statements/{id}.xlsx")).await;
        let (_, issued) = app.call(Method::POST, &format!("/api/v1/statements/{id}/issue"), Some(&admin), None).await;
        let hash = issued["content_hash"].as_str().unwrap();
        let xlsx = get_file(&app, &admin, &format!("/api/v1/statements/{id}.xlsx")).await;
        assert_ne!(draft_xlsx, xlsx, "{}", db.backend);

        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
        let sheet = book.worksheet_range("Statement").unwrap();
        let value = |label: &str| {
            let row = sheet.rows().find(|r| r.first() == Some(&Data::String(label.into()))).unwrap();
            row[1..].to_vec()
        };
        assert_eq!(value("Station name")[0], Data::String(NAME.into()));
        assert_eq!(value("Station code")[0], Data::String(CODE.into()));
        assert_eq!(value("Station id")[0], Data::String(station.clone()));
        assert_eq!(date_cell(&value("Month")[0]), serial("2026-03-01"));
        let period = value("Period");
        assert_eq!((date_cell(&period[0]), date_cell(&period[1])), (serial("2026-03-01"), serial("2026-03-31")));
        assert_eq!(value("Version")[0], Data::Float(1.0));
        assert_eq!(value("State")[0], Data::String("issued".into()));
        assert_eq!(value("Energy unit")[0], Data::String("kWh".into()));
        assert_eq!(value("Content SHA-256")[0], Data::String(hash.into()));

        let table: Vec<&[Data]> =
            sheet.rows().skip_while(|r| r.first() != Some(&Data::String("kind".into()))).collect();
        let header: Vec<String> = table[0].iter().map(|c| c.to_string()).collect();
        assert_eq!(header, mgc_reports::STATEMENT_CSV_COLUMNS[7..]);
        let (energy, amount) = (col(&header, "energy_kwh"), col(&header, "amount"));
        let valley = table.iter().find(|r| r[col(&header, "band")] == Data::String("valley".into())).unwrap();
        assert_eq!(date_cell(&valley[col(&header, "date")]), serial("2026-03-10"));
        assert_eq!(valley[energy], Data::Float(13.32), "kWh, as in the CSV");
        assert!(matches!(valley[col(&header, "price_per_kwh")], Data::Float(_)));
        for r in &table[1..] {
            assert!(matches!(r[amount], Data::Float(_)), "amounts are numbers: {r:?}");
        }
    }
}

/// Helvetica advance widths (1/1000 em) of what number cells contain.
fn number_width(text: &str, size: f32) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| match c {
            '0'..='9' => 556,
            '.' => 278,
            '-' => 333,
            other => panic!("not a number character: {other}"),
        })
        .sum();
    units as f32 * size / 1000.0
}

/// `(x, font size, text)` of every text shown on the pages, in order.
fn shown_texts(doc: &lopdf::Document) -> Vec<(f32, f32, String)> {
    use lopdf::Object;
    let num = |o: &Object| match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        other => panic!("not a number: {other:?}"),
    };
    let mut out = Vec::new();
    for page in doc.get_pages().values() {
        let content = lopdf::content::Content::decode(&doc.get_page_content(*page)).unwrap();
        let (mut x, mut size) = (0.0, 0.0);
        for op in content.operations {
            match (op.operator.as_str(), op.operands.as_slice()) {
                ("Td", [dx, _]) => x = num(dx),
                ("Tf", [_, s]) => size = num(s),
                ("Tj", [Object::String(bytes, _)]) => out.push((x, size, String::from_utf8_lossy(bytes).into_owned())),
                _ => {}
            }
        }
    }
    out
}

#[tokio::test]
async fn given_an_issued_statement_when_downloaded_as_pdf_then_it_names_everything_and_numbers_align_right() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let (_, draft) = given_a_draft_statement(&app, &admin).await;
        let id = draft["id"].as_str().unwrap().to_owned();
        let draft_pdf = get_file(&app, &admin, &format!("/api/v1/statements/{id}.pdf")).await;
        let (_, issued) = app.call(Method::POST, &format!("/api/v1/statements/{id}/issue"), Some(&admin), None).await;
        let hash = issued["content_hash"].as_str().unwrap();
        let pdf = get_file(&app, &admin, &format!("/api/v1/statements/{id}.pdf")).await;
        assert_ne!(draft_pdf, pdf, "{}", db.backend);

        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        let text = doc.extract_text(&pages).unwrap();
        for expected in [
            format!("Station {NAME} ({CODE})"),
            "Period 2026-03-01 to 2026-03-31".to_owned(),
            "Version 1 - issued - energy in kWh, amounts in CNY".to_owned(),
            format!("Content SHA-256: {hash}"),
            "Import kWh".to_owned(),
        ] {
            assert!(text.contains(&expected), "{expected:?} in:\n{text}");
        }
        let draft_doc = lopdf::Document::load_mem(&draft_pdf).unwrap();
        let draft_text = draft_doc.extract_text(&draft_doc.get_pages().keys().copied().collect::<Vec<_>>()).unwrap();
        assert!(draft_text.contains("Version 1 - draft"), "{draft_text}");

        let numbers: Vec<(f32, f32, String)> =
            shown_texts(&doc).into_iter().filter(|(_, _, t)| t.parse::<f64>().is_ok() && t.contains('.')).collect();
        assert!(numbers.len() >= 10, "the day and band tables: {numbers:?}");
        let edges = [210.0, 300.0, 390.0, 470.0, 545.0];
        let mut starts = std::collections::BTreeSet::new();
        for (x, size, t) in &numbers {
            let right = x + number_width(t, *size);
            assert!(edges.iter().any(|e| (e - right).abs() < 0.01), "{t} ends at {right}, not on a column edge");
            starts.insert((x * 100.0) as i64);
        }
        assert!(starts.len() > edges.len(), "numbers of different widths start at different x: {starts:?}");
    }
}
