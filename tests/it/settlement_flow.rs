//! Settlement end to end through HTTP on both backends: tariffs, assignment, day events,
//! versions, auto-freeze, adjustments, statements and their downloads.

use crate::settlement_support::*;
use crate::support::{assert_error, TestApp};
use axum::http::{Method, StatusCode};
use chrono::{Duration, TimeZone, Utc};
use mgc_iam::Role;
use mgc_tests::all_databases;
use serde_json::{json, Value};

const ZONE: &str = "Asia/Shanghai";

fn figures(v: &Value) -> (i64, i64, i64) {
    let f = &v["figures"];
    (
        f["import_cost_minor"].as_i64().unwrap(),
        f["export_revenue_minor"].as_i64().unwrap(),
        f["net_minor"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn given_tariffs_with_mistakes_when_posted_then_422_naming_the_problem() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let mut overlap = tou_tariff();
        overlap["import"]["seasons"][0]["days"][0]["periods"][1]["from"] = json!("07:00");
        let (s, b) = app.call(Method::POST, "/api/v1/tariffs", Some(&admin), Some(overlap)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{}", db.backend);
        assert!(assert_error(&b, "invalid_tariff").contains("at 07:00-08:00"), "{b}");
        let mut off_grid = tou_tariff();
        off_grid["import"]["seasons"][0]["days"][1]["periods"][0]["to"] = json!("07:10");
        off_grid["import"]["seasons"][0]["days"][1]["periods"][1]["from"] = json!("07:10");
        let (s, b) = app.call(Method::POST, "/api/v1/tariffs", Some(&admin), Some(off_grid)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(assert_error(&b, "invalid_tariff").contains("07:10 is not on the 15-minute grid"), "{b}");
        let mut gap = tou_tariff();
        gap["import"]["seasons"][0]["days"][1]["periods"][1]["to"] = json!("22:00");
        let (_, b) = app.call(Method::POST, "/api/v1/tariffs", Some(&admin), Some(gap)).await;
        assert!(assert_error(&b, "invalid_tariff").contains("no period covers 22:00-23:00"), "{b}");
        let (s, b) = app.call(Method::POST, "/api/v1/tariffs", Some(&admin), Some(json!({"name": "x"}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let viewer = app.bearer("acme", Role::Viewer);
        let (s, _) = app.call(Method::POST, "/api/v1/tariffs", Some(&viewer), Some(tou_tariff())).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn given_a_tariff_when_updated_and_deleted_then_versions_are_kept_and_assigned_ones_stay() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let id = create_tariff(&app, &admin, tou_tariff()).await;
        let mut changed = tou_tariff();
        changed["export"]["price"] = json!("0.40");
        let (s, b) = app.call(Method::PUT, &format!("/api/v1/tariffs/{id}"), Some(&admin), Some(changed)).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(b["tariff"]["version"], 2);
        let detail = get_ok(&app, &admin, &format!("/api/v1/tariffs/{id}")).await;
        assert_eq!(detail["versions"].as_array().unwrap().len(), 2);
        assert_eq!(detail["versions"][0]["export"]["price"], "0.392");
        assert_eq!(get_ok(&app, &admin, "/api/v1/tariffs").await.as_array().unwrap().len(), 1);
        let station = station(&app, &admin, "sz-01", ZONE).await;
        assign(&app, &admin, &station, &id, "2026-03-01").await;
        let (s, b) = app.call(Method::DELETE, &format!("/api/v1/tariffs/{id}"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        let spare = create_tariff(&app, &admin, tou_tariff()).await;
        let (s, _) = app.call(Method::DELETE, &format!("/api/v1/tariffs/{spare}"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, _) = app.call(Method::GET, &format!("/api/v1/tariffs/{spare}"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let history = get_ok(&app, &admin, &format!("/api/v1/stations/{station}/tariff")).await;
        assert_eq!(history[0]["effective_from"], "2026-03-01");
    }
}

#[tokio::test]
async fn given_day_events_when_settled_then_versions_freeze_adjustments_and_statements_follow_the_rules() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let station = station(&app, &admin, "sz-01", ZONE).await;

        // A day before any assignment is recorded as unpriced, with the reason.
        settle(&app, "acme", &day_event(&station, ZONE, "2026-03-10", 1, 333, 77)).await;
        let list = settlements(&app, &admin, &station, "2026-03-01", "2026-03-31").await;
        assert_eq!(list.len(), 1, "{}", db.backend);
        assert_eq!(list[0]["state"], "unpriced");
        assert!(list[0]["current"]["unpriced_reason"].as_str().unwrap().contains("no tariff is assigned"));
        let id = list[0]["id"].as_str().unwrap().to_owned();

        // Assigning a tariff covering the day prices it: the hand-computed figures.
        let tariff = create_tariff(&app, &admin, tou_tariff()).await;
        assert_eq!(assign(&app, &admin, &station, &tariff, "2026-03-01").await["repriced_days"], 1);
        let d = get_ok(&app, &admin, &format!("/api/v1/settlements/{id}")).await;
        assert_eq!((d["state"].as_str(), d["version"].as_i64()), (Some("calculated"), Some(2)));
        assert_eq!(figures(&d["versions"][1]), (2102, 290, 1812));
        assert_eq!(d["versions"][1]["tariff"]["tariff_version"], 1);

        // The same event again (a redelivery) changes nothing; v2 of the day replaces the figures.
        settle(&app, "acme", &day_event(&station, ZONE, "2026-03-10", 1, 333, 77)).await;
        settle(&app, "acme", &day_event(&station, ZONE, "2026-03-10", 2, 343, 77)).await;
        let list = settlements(&app, &admin, &station, "2026-03-10", "2026-03-10").await;
        assert_eq!(list[0]["version"], 3);
        assert_eq!(figures(&list[0]["current"]), (2164, 290, 1874));
        let d = get_ok(&app, &admin, &format!("/api/v1/settlements/{id}")).await;
        assert_eq!(d["versions"].as_array().unwrap().len(), 3);
        assert_eq!(d["versions"][0]["unpriced_reason"].as_str().map(|r| r.contains("no tariff")), Some(true));
        assert_eq!(figures(&d["versions"][1]), (2102, 290, 1812), "version 2 is still readable");
        assert_eq!(d["versions"][2]["stat_version"], 2);

        // Auto-freeze runs at day end + 3 days, not a second earlier.
        let day_end = Utc.with_ymd_and_hms(2026, 3, 10, 16, 0, 0).unwrap();
        app.clock.set(day_end + Duration::days(3) - Duration::seconds(1));
        assert_eq!(auto_freeze(&app, 3).await, 0);
        app.clock.set(day_end + Duration::days(3));
        assert_eq!(auto_freeze(&app, 3).await, 1);
        let admin = app.bearer("acme", Role::Admin); // tokens follow the moved clock
        let (s, b) = app.call(Method::POST, &format!("/api/v1/settlements/{id}/freeze"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");

        // A new day version for a frozen day: an adjustment; the frozen figures do not change.
        settle(&app, "acme", &day_event(&station, ZONE, "2026-03-10", 3, 353, 77)).await;
        let d = get_ok(&app, &admin, &format!("/api/v1/settlements/{id}")).await;
        assert_eq!((d["state"].as_str(), d["version"].as_i64()), (Some("frozen"), Some(3)));
        assert_eq!(figures(&d["versions"][2]), (2164, 290, 1874));
        let adj = &d["adjustments"][0];
        assert_eq!(adj["delta"]["import_cost_minor"], 2227 - 2164);
        assert_eq!(adj["delta"]["export_revenue_minor"], 0);
        assert_eq!(adj["stat_version"], 3);
        assert_eq!(adj["sources"].as_array().unwrap().len(), 24);
        assert!(adj["statement_id"].is_null());

        // A later assignment does not touch the frozen day.
        let other = create_tariff(&app, &admin, tou_tariff()).await;
        assert_eq!(assign(&app, &admin, &station, &other, "2026-03-09").await["repriced_days"], 0);
        let d = get_ok(&app, &admin, &format!("/api/v1/settlements/{id}")).await;
        assert_eq!(d["version"], 3);

        // A weekend day, then the month's statement.
        settle(&app, "acme", &day_event(&station, ZONE, "2026-03-14", 1, 333, 77)).await;
        statement_lifecycle(&app, &admin, &station).await;
    }
}

async fn statement_lifecycle(app: &TestApp, admin: &str, station: &str) {
    let body = json!({"station_id": station, "month": "2026-03"});
    let (s, draft) = app.call(Method::POST, "/api/v1/statements/generate", Some(admin), Some(body.clone())).await;
    assert_eq!(s, StatusCode::OK, "{draft}");
    assert_eq!((draft["state"].as_str(), draft["version"].as_i64()), (Some("draft"), Some(1)));
    let c = &draft["content"];
    assert_eq!(c["days"].as_array().unwrap().len(), 2);
    assert_eq!(c["adjustments"].as_array().unwrap().len(), 1);
    // days 2164 + 1705 (weekend layout) + adjustment 63 = 3932; export 290 + 290
    assert_eq!(c["totals"]["import_cost_minor"], 3932);
    assert_eq!(c["totals"]["export_revenue_minor"], 580);
    assert_eq!(c["totals"]["net_minor"], 3352);
    assert!(draft["content_hash"].is_null());
    let id = draft["id"].as_str().unwrap().to_owned();

    let (s, issued) = app.call(Method::POST, &format!("/api/v1/statements/{id}/issue"), Some(admin), None).await;
    assert_eq!(s, StatusCode::OK, "{issued}");
    assert_eq!(issued["state"], "issued");
    let hash = issued["content_hash"].as_str().unwrap().to_owned();
    assert_eq!(hash.len(), 64);
    let weekend = settlements(app, admin, station, "2026-03-14", "2026-03-14").await;
    assert_eq!(weekend[0]["state"], "frozen", "issuing freezes the statement's days");
    let (s, _) = app.call(Method::POST, &format!("/api/v1/statements/{id}/issue"), Some(admin), None).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, b) = app.call(Method::POST, "/api/v1/statements/generate", Some(admin), Some(body.clone())).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");

    check_downloads(app, admin, &id).await;

    let (s, b) = app
        .call(Method::POST, &format!("/api/v1/statements/{id}/void"), Some(admin), Some(json!({"reason": " "})))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, voided) = app
        .call(
            Method::POST,
            &format!("/api/v1/statements/{id}/void"),
            Some(admin),
            Some(json!({"reason": "wrong meter"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{voided}");
    assert_eq!((voided["state"].as_str(), voided["void_reason"].as_str()), (Some("void"), Some("wrong meter")));
    assert_eq!(voided["content_hash"], hash.as_str());
    let (s, v2) = app.call(Method::POST, "/api/v1/statements/generate", Some(admin), Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{v2}");
    assert_eq!(v2["version"], 2);
    assert_ne!(v2["id"], id.as_str());
    assert_eq!(v2["content"]["adjustments"].as_array().unwrap().len(), 1, "the void released the adjustment");
    assert_eq!(v2["content"]["totals"]["net_minor"], 3352);
    let all = get_ok(app, admin, &format!("/api/v1/statements?station_id={station}&month=2026-03")).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
}

async fn check_downloads(app: &TestApp, admin: &str, id: &str) {
    let (s, ct, csv) = download(app, admin, &format!("/api/v1/statements/{id}.csv")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("text/csv"));
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, mgc_reports::STATEMENT_CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let first = &rows[0];
    assert_eq!((&first[0], &first[3], &first[5]), ("sz-01", "2026-03", "issued"));
    assert_eq!((&first[7], &first[8], &first[10], &first[11]), ("day", "2026-03-10", "import", "sharp"));
    assert_eq!((&first[12], &first[13], &first[14]), ("4.802", "1.30", "6.24"));
    let net = rows.iter().find(|r| &r[7] == "total" && &r[10] == "net").unwrap();
    assert_eq!((&net[14], &net[15]), ("33.52", "CNY"));
    assert_eq!(rows.iter().filter(|r| &r[7] == "adjustment").count(), 2);

    let (s, _, xlsx) = download(app, admin, &format!("/api/v1/statements/{id}.xlsx")).await;
    assert_eq!(s, StatusCode::OK);
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = book.worksheet_range("Statement").unwrap();
    let net_row = sheet
        .rows()
        .find(|r| r.first() == Some(&Data::String("total".into())) && r.get(3) == Some(&Data::String("net".into())))
        .unwrap();
    assert_eq!(net_row[7], Data::Float(33.52));
    let month = sheet.rows().find(|r| r.first() == Some(&Data::String("Month".into()))).unwrap();
    assert!(matches!(month[1], Data::DateTime(_)), "the month is a date cell: {:?}", month[1]);

    let (s, ct, pdf) = download(app, admin, &format!("/api/v1/statements/{id}.pdf")).await;
    assert_eq!((s, ct.as_str()), (StatusCode::OK, "application/pdf"));
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    assert!(!pages.is_empty());
    let text = doc.extract_text(&pages).unwrap();
    assert!(text.contains("Total due: 33.52 CNY"), "{text}");
    assert!(text.contains("2026-03-14"));

    let (s, _, body) = download(app, admin, &format!("/api/v1/statements/{id}.docx")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "unknown_format");
}

#[tokio::test]
async fn given_settled_days_when_exported_then_csv_rows_per_day_direction_and_band() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let station = station(&app, &admin, "sz-01", ZONE).await;
        let tariff = create_tariff(&app, &admin, tou_tariff()).await;
        assign(&app, &admin, &station, &tariff, "2026-03-11").await;
        settle(&app, "acme", &day_event(&station, ZONE, "2026-03-10", 1, 333, 77)).await;
        settle(&app, "acme", &day_event(&station, ZONE, "2026-03-12", 1, 333, 77)).await;
        let path = format!("/api/v1/exports/settlements.csv?station_id={station}&from=2026-03-01&to=2026-03-31");
        let (s, _, csv) = download(&app, &admin, &path).await;
        assert_eq!(s, StatusCode::OK, "{}", db.backend);
        assert!(csv.starts_with(b"\xEF\xBB\xBF"));
        let mut reader = csv::Reader::from_reader(&csv[3..]);
        assert_eq!(reader.headers().unwrap(), mgc_reports::SETTLEMENT_CSV_COLUMNS.as_slice());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        // 2026-03-10 has no tariff yet: one unpriced row; 2026-03-12: four import bands and one export band.
        assert_eq!(rows.len(), 6);
        assert_eq!((&rows[0][3], &rows[0][6]), ("2026-03-10", "unpriced"));
        assert!(rows[0][16].contains("no tariff"));
        let valley = rows.iter().find(|r| &r[12] == "valley").unwrap();
        assert_eq!((&valley[3], &valley[11], &valley[13], &valley[15]), ("2026-03-12", "import", "13.320", "4.00"));
        let (s, b) = app
            .call(Method::GET, "/api/v1/exports/settlements.csv?from=2026-03-31&to=2026-03-01", Some(&admin), None)
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_error(&b, "invalid_query");
    }
}
