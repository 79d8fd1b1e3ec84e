//! Issue 17.9: the PDF statement names its station (name and code, not its id) and sets text
//! outside Latin-1 (a Chinese station name, ¥) in the embedded Unicode font, extractable as text.

use crate::ingest_support::provision;
use crate::settlement_support::*;
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use mgc_iam::Role;
use mgc_tests::all_databases;
use serde_json::json;

const NAME: &str = "深圳前海微网 ¥ 站";
const ZONE: &str = "Asia/Shanghai";

#[tokio::test]
async fn given_a_chinese_station_name_when_its_statement_is_a_pdf_then_the_header_names_it_readably() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let body = json!({"code": "qh-01", "name": NAME, "time_zone": ZONE, "devices": []});
        let station = provision(&app, &admin, body).await["station"]["id"].as_str().unwrap().to_owned();
        let tariff = create_tariff(&app, &admin, tou_tariff()).await;
        assign(&app, &admin, &station, &tariff, "2026-03-01").await;
        settle(&app, "acme", &day_event(&station, ZONE, "2026-03-10", 1, 333, 77)).await;
        let body = json!({"station_id": station, "month": "2026-03"});
        let (s, statement) = app.call(Method::POST, "/api/v1/statements/generate", Some(&admin), Some(body)).await;
        assert_eq!(s, StatusCode::OK, "{statement}");
        let id = statement["id"].as_str().unwrap();

        let (s, _, pdf) = download(&app, &admin, &format!("/api/v1/statements/{id}.pdf")).await;
        assert_eq!(s, StatusCode::OK, "{}", db.backend);
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        let text = doc.extract_text(&pages).unwrap();
        assert!(!text.contains(&station), "the header names the station, not its id:\n{text}");
        assert!(text.contains("(qh-01)"), "the station's code is in the header:\n{text}");
        if mgc_reports::UNICODE_FONT.is_some() {
            assert!(text.contains(NAME), "the Chinese name and ¥ are set in the embedded font:\n{text}");
            assert!(pdf.windows(b"FontFile2".len()).any(|w| w == b"FontFile2"), "the font is embedded");
            assert!(pdf.len() < 200_000, "only the used glyphs are embedded: {} bytes", pdf.len());
        } else {
            // Built without a CJK font: Latin-1 (¥) still renders, the rest is a visible '?'.
            assert!(text.contains("?????? ¥ ?"), "the fallback is visible:\n{text}");
        }
    }
}
