//! The whole chain through the router on both backends: provision → a day of signed minute
//! telemetry → hours and the day close by themselves (injected clock) → stats → settlement at a
//! time-of-use tariff → monthly statement → CSV, XLSX and PDF read back.

use crate::analytics_support::*;
use crate::settlement_support::{assign, create_tariff, download, settlements, tou_tariff};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use chrono::{Duration, TimeZone, Utc};
use mgc_tests::all_databases;
use serde_json::json;

#[tokio::test]
async fn a_day_of_telemetry_becomes_statistics_a_priced_settlement_and_a_statement() {
    for db in all_databases().await {
        // Monday 2026-03-02 in Shanghai (UTC+8): 2026-03-01T16:00Z .. 2026-03-02T16:00Z.
        let (start, end) =
            (Utc.with_ymd_and_hms(2026, 3, 1, 16, 0, 0).unwrap(), Utc.with_ymd_and_hms(2026, 3, 2, 16, 0, 0).unwrap());
        let app = TestApp::new(&db).await;
        app.clock.set(end + Duration::minutes(1));
        let s = site(app, "e2e", "Asia/Shanghai").await;
        let tariff = create_tariff(&s.app, &s.admin, tou_tariff()).await;
        assign(&s.app, &s.admin, &s.station, &tariff, "2026-03-01").await;

        // A constant 4 kW import all day.
        post_minutes(&s, "e2e", start, end, 4.0, 0.0).await;
        s.app.pump().await;
        s.app.clock.set(end + Duration::minutes(5));
        let round = s.app.analytics_round().await;
        assert_eq!((round.saved.hours_saved, round.saved.days_saved), (24, 1), "{}: {round:?}", db.backend);
        s.app.pump().await;

        let day = stats(&s, &s.admin, "granularity=day&from=2026-03-01T16:00:00Z&to=2026-03-02T16:00:00Z").await;
        assert_eq!(energy(&day, "grid_import_wh"), vec![96_000], "{}", db.backend);

        // Hand-computed from the weekday bands: valley 10 h = 40 kWh x 0.30 = 12.00; flat 7 h = 28 kWh
        // x 0.65 = 18.20; peak 3.5 h = 14 kWh x 1.05 = 14.70; sharp 3.5 h = 14 kWh x 1.30 = 18.20.
        let days = settlements(&s.app, &s.admin, &s.station, "2026-03-01", "2026-03-31").await;
        assert_eq!(days.len(), 1, "{}: {days:?}", db.backend);
        let settled = &days[0];
        assert_eq!(
            settled["current"]["figures"]["import_cost_minor"].as_i64(),
            Some(1200 + 1820 + 1470 + 1820),
            "{}: {settled}",
            db.backend
        );
        assert_eq!(settled["current"]["figures"]["export_revenue_minor"].as_i64(), Some(0));

        let body = json!({"station_id": s.station, "month": "2026-03"});
        let (status, draft) = s.app.call(Method::POST, "/api/v1/statements/generate", Some(&s.admin), Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{draft}");
        let id = draft["id"].as_str().unwrap().to_owned();
        let (status, issued) =
            s.app.call(Method::POST, &format!("/api/v1/statements/{id}/issue"), Some(&s.admin), None).await;
        assert_eq!(status, StatusCode::OK, "{issued}");
        assert_eq!(issued["content"]["totals"]["net_minor"], 6310);

        let (status, _, csv) = download(&s.app, &s.admin, &format!("/api/v1/statements/{id}.csv")).await;
        assert_eq!(status, StatusCode::OK);
        let mut reader = csv::Reader::from_reader(&csv[3..]);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let net = rows.iter().find(|r| &r[7] == "total" && &r[10] == "net").unwrap();
        assert_eq!((&net[14], &net[15]), ("63.10", "CNY"), "{}", db.backend);
        let valley = rows.iter().find(|r| &r[7] == "day" && &r[11] == "valley").unwrap();
        assert_eq!((&valley[8], &valley[12], &valley[14]), ("2026-03-02", "40.000", "12.00"));

        let (status, _, xlsx) = download(&s.app, &s.admin, &format!("/api/v1/statements/{id}.xlsx")).await;
        assert_eq!(status, StatusCode::OK);
        use calamine::{Data, Reader, Xlsx};
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
        let sheet = book.worksheet_range("Statement").unwrap();
        let net_row = sheet
            .rows()
            .find(|r| r.first() == Some(&Data::String("total".into())) && r.get(3) == Some(&Data::String("net".into())))
            .unwrap();
        assert_eq!(net_row[7], Data::Float(63.10));

        let (status, _, pdf) = download(&s.app, &s.admin, &format!("/api/v1/statements/{id}.pdf")).await;
        assert_eq!(status, StatusCode::OK);
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        assert!(!pages.is_empty());
        assert!(doc.extract_text(&pages).unwrap().contains("Total due: 63.10 CNY"), "{}", db.backend);
    }
}
