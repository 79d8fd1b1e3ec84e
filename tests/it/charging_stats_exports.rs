//! The charging statistics as files (issue 15.4): CSV (BOM, `?delimiter=semicolon`, every row
//! naming station, range, granularity and units) and XLSX (a header block naming them, figures
//! as numbers), each read back (csv, calamine) and checked against the JSON figures.

use crate::settlement_support::download;
use crate::support::TestApp;
use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use serde_json::Value;

/// The header and rows of a CSV export, after checking its BOM.
pub fn csv_rows(bytes: &[u8], delimiter: u8) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a CSV export begins with the UTF-8 BOM");
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(&bytes[3..]);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    (header, reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect())
}

/// The bytes of `path`, asserting 200 and `content_type`.
pub async fn file(app: &TestApp, token: &str, path: &str, content_type: &str) -> Vec<u8> {
    let (s, ct, bytes) = download(app, token, path).await;
    assert_eq!(s, StatusCode::OK, "{path}: {}", String::from_utf8_lossy(&bytes));
    assert!(ct.starts_with(content_type), "{path}: {ct}");
    bytes
}

/// The sheet `name` of an XLSX export: its header block (label → value) and its table rows.
pub fn xlsx_sheet(bytes: Vec<u8>, name: &str) -> (Vec<(String, String)>, Vec<Vec<Data>>) {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range(name).unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    let split = rows.iter().position(|r| r.iter().all(|c| *c == Data::Empty)).unwrap_or(4);
    let header = rows[..split].iter().map(|r| (r[0].to_string(), r[1].to_string())).collect();
    (header, rows[split + 1..].to_vec())
}

fn lead_checks(row: &[String], station: &str, granularity: &str) {
    assert_eq!(row[2], station, "station id: {row:?}");
    assert!(!row[0].is_empty() && !row[1].is_empty(), "station code and name: {row:?}");
    assert_eq!(row[5], granularity, "{row:?}");
    assert!(!row[6].is_empty(), "units: {row:?}");
}

/// Sessions (CSV, `;`) and utilisation (CSV and XLSX) exports of `range` (a `station_id=…&
/// granularity=day&from=…&to=…` query) under `prefix` (`/api/v1` or `/api/third/v1`) carry the
/// figures of the JSON routes under the same prefix.
pub async fn check_window_exports(app: &TestApp, prefix: &str, token: &str, station: &str, range: &str, days: &Value) {
    let base = format!("{prefix}/stats/charging");
    let sessions_path = format!("{base}/sessions?{range}");
    let (s, sessions) = app.call(axum::http::Method::GET, &sessions_path, Some(token), None).await;
    assert_eq!(s, StatusCode::OK, "{sessions}");
    let csv =
        file(app, token, &format!("{base}/sessions/export?{range}&format=csv&delimiter=semicolon"), "text/csv").await;
    let (header, rows) = csv_rows(&csv, b';');
    assert_eq!(header[..7], mgc_reports::STATS_CSV_LEAD_COLUMNS);
    assert_eq!(
        header[7..],
        [
            "label",
            "start",
            "end",
            "sessions",
            "completed",
            "failed",
            "running",
            "energy_wh",
            "avg_duration_s",
            "success_permille",
            "stop_reasons"
        ]
    );
    assert_eq!(rows.len(), sessions.as_array().unwrap().len());
    for (row, day) in rows.iter().zip(sessions.as_array().unwrap()) {
        lead_checks(row, station, "day");
        assert_eq!(row[7], day["label"].as_str().unwrap());
        assert_eq!(
            (row[10].as_str(), row[14].as_str()),
            (day["sessions"].to_string().as_str(), day["energy_wh"].to_string().as_str())
        );
    }
    // The hand-computed Berlin days: two sessions started on the 29th (7,000 + 500 Wh), one on the 30th.
    assert_eq!((rows[0][10].as_str(), rows[0][14].as_str(), rows[1][10].as_str()), ("2", "7500", "1"), "{rows:?}");

    let csv = file(app, token, &format!("{base}/utilisation/export?{range}&format=csv"), "text/csv").await;
    let (header, rows) = csv_rows(&csv, b',');
    assert_eq!(
        header[7..],
        ["label", "start", "end", "ports", "port_seconds", "charging_seconds", "utilisation_permille"]
    );
    let got: Vec<&[String]> = rows.iter().map(|r| &r[7..]).collect();
    assert_eq!(
        got.iter()
            .map(|r| [r[0].as_str(), r[3].as_str(), r[4].as_str(), r[5].as_str(), r[6].as_str()])
            .collect::<Vec<_>>(),
        [["2026-03-29", "3", "248400", "7200", "28"], ["2026-03-30", "3", "259200", "12540", "48"]]
    );
    assert_eq!(rows.len(), days.as_array().unwrap().len());

    let xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let xlsx = file(app, token, &format!("{base}/utilisation/export?{range}&format=xlsx"), xlsx_type).await;
    let (head, table) = xlsx_sheet(xlsx, "Utilisation");
    assert_eq!(head[0].0, "Station");
    assert!(head[0].1.contains(station), "{head:?}");
    assert!(head[1].1.starts_with("2026-03-29T00:00:00Z to 2026-03-30T12:00:00Z"), "{head:?}");
    assert_eq!(head[2], ("Granularity".into(), "day".into()));
    assert!(head[3].1.contains("per mille"), "{head:?}");
    assert_eq!(table[0][0], Data::String("label".into()));
    assert_eq!(table[1][0], Data::String("2026-03-29".into()));
    assert_eq!(table[1][4..7], [Data::Float(248_400.0), Data::Float(7_200.0), Data::Float(28.0)]);
    assert_eq!(table[2][6], Data::Float(48.0));
}

/// The command export (CSV and XLSX) of `query` under `prefix` (`/api/v1` or `/api/third/v1`):
/// one row `all` with these figures, then one per method.
pub async fn check_command_exports(app: &TestApp, prefix: &str, token: &str, station: &str, query: &str) {
    let path = format!("{prefix}/stats/charging/commands/export?{query}");
    let csv = file(app, token, &format!("{path}&format=csv"), "text/csv").await;
    let (header, rows) = csv_rows(&csv, b',');
    assert_eq!(header[7..10], ["method", "count", "succeeded"]);
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    lead_checks(&rows[0], station, "range");
    let all = &rows[0];
    assert_eq!(
        (all[at("method")].as_str(), all[at("count")].as_str(), all[at("success_permille")].as_str()),
        ("all", "4", "500")
    );
    assert_eq!((all[at("response_p50_ms")].as_str(), all[at("response_p95_ms")].as_str()), ("2000", "4000"));
    let methods: Vec<&str> = rows[1..].iter().map(|r| r[at("method")].as_str()).collect();
    assert_eq!(methods, ["setMode", "setPower"]);
    assert_eq!(rows[1][at("success_permille")], "333");

    let xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let xlsx = file(app, token, &format!("{path}&format=xlsx"), xlsx_type).await;
    let (head, table) = xlsx_sheet(xlsx, "Commands");
    assert_eq!(head[2], ("Granularity".into(), "range".into()));
    assert!(head[3].1.contains("ms"), "{head:?}");
    assert_eq!(table[1][0], Data::String("all".into()));
    assert_eq!(table[1][1], Data::Float(4.0));
    assert_eq!(table[1][10..13], [Data::Float(2000.0), Data::Float(4000.0), Data::Float(4000.0)]);
}

/// The JSON figure a fleet export row `(group, item)` stands for.
fn fleet_figure<'a>(json: &'a Value, group: &str, item: &str) -> &'a Value {
    match group {
        "piles" => &json[item],
        "by_protocol" | "ports_by_status" => &json[group][item],
        "ports" => &json[format!("ports_{item}")],
        _ => &json["by_type"][group.strip_prefix("by_type.").unwrap_or("?")][item],
    }
}

/// Number of figures in a fleet answer (what the export has one row for each of).
fn fleet_figure_count(json: &Value) -> usize {
    let keys = |k: &str| json[k].as_object().unwrap().len();
    3 + 3 * 3 + keys("by_protocol") + keys("ports_by_status") + 3
}

/// The fleet export (CSV with `delimiter`, and XLSX) of `query` under `prefix` against the JSON
/// fleet route there; returns the CSV rows as `(group, item, count)`.
async fn check_fleet_export(
    app: &TestApp,
    (prefix, token): (&str, &str),
    (query, station): (&str, &str),
    delimiter: (&str, u8),
) -> Vec<[String; 3]> {
    let base = format!("{prefix}/stats/charging/fleet");
    let (s, json) = app.call(axum::http::Method::GET, &format!("{base}?{query}"), Some(token), None).await;
    assert_eq!(s, StatusCode::OK, "{json}");
    let export = |extra: String| format!("{base}/export?{}", [query, &extra].join("&").trim_start_matches('&'));
    let path = export(format!("format=csv&delimiter={}", delimiter.0));
    let (header, rows) = csv_rows(&file(app, token, &path, "text/csv").await, delimiter.1);
    assert_eq!(header[..7], mgc_reports::STATS_CSV_LEAD_COLUMNS);
    assert_eq!(header[7..], ["group", "item", "count"]);
    let now = mgc_kernel::Clock::now(&app.clock).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut got = Vec::new();
    for row in &rows {
        assert_eq!((row[2].as_str(), row[5].as_str()), (station, "now"), "{row:?}");
        assert_eq!((row[3].as_str(), row[4].as_str()), (now.as_str(), now.as_str()), "the moment of the count");
        assert!(!row[6].is_empty(), "units: {row:?}");
        let figure = fleet_figure(&json, &row[7], &row[8]);
        assert_eq!(row[9], figure.to_string(), "{row:?} against {json}");
        got.push([row[7].clone(), row[8].clone(), row[9].clone()]);
    }
    assert_eq!(rows.len(), fleet_figure_count(&json), "one row per figure of {json}");

    let xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let xlsx = file(app, token, &export("format=xlsx".into()), xlsx_type).await;
    let (head, table) = xlsx_sheet(xlsx, "Fleet");
    assert!(head[0].1.contains(if station.is_empty() { "every station" } else { station }), "{head:?}");
    assert_eq!(head[2], ("Granularity".into(), "now".into()));
    assert_eq!(table[0], ["group", "item", "count"].map(|c| Data::String(c.into())));
    let cells: Vec<[String; 3]> =
        table[1..].iter().map(|r| [r[0].to_string(), r[1].to_string(), r[2].to_string()]).collect();
    assert_eq!(cells, got, "the XLSX rows are the CSV rows, counts as numbers");
    assert!(table[1..].iter().all(|r| matches!(r[2], Data::Float(_))), "{table:?}");
    got
}

fn count_of(rows: &[[String; 3]], group: &str, item: &str) -> String {
    rows.iter().find(|r| r[0] == group && r[1] == item).map_or_else(|| format!("no {group}/{item}"), |r| r[2].clone())
}

#[tokio::test]
async fn given_a_fleet_when_exported_then_the_files_carry_the_json_figures_for_operators_and_platforms() {
    use axum::http::Method;
    use mgc_iam::Role;
    use serde_json::json;
    for db in mgc_tests::all_databases().await {
        let app = TestApp::new(&db).await;
        let b = db.backend;
        let admin = app.bearer("acme", Role::Admin);
        let body = json!({"code": "ber", "name": "Berlin", "time_zone": "Europe/Berlin", "devices": []});
        let station = app.provision_body(&admin, body).await["station"]["id"].as_str().unwrap().to_owned();
        let body = json!({"code": "oth", "name": "Other", "time_zone": "UTC", "devices": []});
        let other = app.provision_body(&admin, body).await["station"]["id"].as_str().unwrap().to_owned();
        crate::charging_stats::fleet(&app, station.parse().unwrap(), &[]).await;
        crate::charging_utilisation::ports(&app).await;
        let (_, page) = app.call(Method::GET, "/api/v1/charge-points", Some(&admin), None).await;
        let items = page["items"].as_array().unwrap();
        let ber2 = items.iter().find(|c| c["identity"] == "BER-2").unwrap()["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/charge-points/{ber2}/charger-type");
        let (s, e) = app.call(Method::PUT, &path, Some(&admin), Some(json!({"charger_type": "dc"}))).await;
        assert_eq!(s, StatusCode::OK, "{b}: {e}");

        let viewer = app.bearer("acme", Role::Viewer);
        let acme = crate::charging_stats::viewer_key(&app, "acme", None).await;
        let of_station = format!("station_id={station}");
        for (who, delimiter) in
            [(("/api/v1", viewer.as_str()), ("comma", b',')), (("/api/third/v1", &acme), ("semicolon", b';'))]
        {
            let rows = check_fleet_export(&app, who, (&of_station, &station), delimiter).await;
            // BER-1 online (AC, connectors 1 and 2), BER-2 offline (DC, connector 1); all available.
            let hand = [
                ("piles", "total", "2"),
                ("piles", "online", "1"),
                ("piles", "offline", "1"),
                ("by_type.ac", "online", "1"),
                ("by_type.dc", "offline", "1"),
                ("by_type.two_wheeler", "total", "0"),
                ("ports_by_status", "available", "3"),
                ("ports", "idle", "3"),
                ("ports", "fault", "0"),
            ];
            for (group, item, n) in hand {
                assert_eq!(count_of(&rows, group, item), n, "{b}: {}: {group}/{item} in {rows:?}", who.0);
            }
            let all = check_fleet_export(&app, who, ("", ""), delimiter).await;
            assert_eq!(all, rows, "{b}: every station in scope is the one station with piles");
        }

        let beta = crate::charging_stats::viewer_key(&app, "beta", None).await;
        let scoped = crate::charging_stats::viewer_key(&app, "acme", Some(vec![other])).await;
        for who in [&beta, &scoped] {
            for format in ["csv", "xlsx"] {
                let path = format!("/api/third/v1/stats/charging/fleet/export?{of_station}&format={format}");
                let (s, _, body) = download(&app, who, &path).await;
                let body = String::from_utf8_lossy(&body);
                assert_eq!(s, StatusCode::NOT_FOUND, "{b}: {body}");
                assert!(body.contains("not_found"), "{b}: an error body, no file: {body}");
            }
            let rows = check_fleet_export(&app, ("/api/third/v1", who), ("", ""), ("comma", b',')).await;
            assert!(rows.iter().all(|r| r[2] == "0"), "{b}: none of tenant A's station: {rows:?}");
        }
        // A malformed station id is named (and the 400 is in the document the kit checks against).
        for path in ["/api/v1/stats/charging/fleet", "/api/third/v1/stats/charging/fleet"] {
            let (s, e) = app.call(Method::GET, &format!("{path}?station_id=ber"), Some(&acme), None).await;
            assert_eq!(
                (s, e["error"]["code"].as_str()),
                (StatusCode::BAD_REQUEST, Some("invalid_id")),
                "{b}: {path}: {e}"
            );
        }
    }
}
