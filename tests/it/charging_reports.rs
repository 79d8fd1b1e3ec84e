//! DataTransfer, diagnostics and firmware status through the CSMS dispatch on both backends:
//! answered by the vendor list, stored, and the latest statuses visible on the charge point.

use crate::charging_store::{at, booted, count, cp};
use crate::support::{tenant, TestApp};
use axum::http::{Method, StatusCode};
use mgc_adapter_ocpp::csms::{answer, Caller};
use mgc_charging::ChargingSettings;
use mgc_iam::Role;
use mgc_tests::all_databases;
use serde_json::{json, Value};

async fn call(app: &TestApp, settings: &ChargingSettings, action: &str, payload: Value, secs: i64) -> Value {
    let caller = Caller { tenant: tenant("acme"), identity: cp("CP1") };
    let text = json!([2, "r1", action, payload]).to_string();
    let reply: Value =
        serde_json::from_str(&answer(&app.store, settings, &caller, &text, at(secs)).await.unwrap()).unwrap();
    assert_eq!(reply[0], 3, "{action}: {reply}");
    reply[2].clone()
}

#[tokio::test]
async fn given_reports_when_sent_then_answered_by_vendor_stored_and_latest_status_on_the_charge_point() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        booted(&app.store, &tenant("acme"), "CP1").await;
        let settings = ChargingSettings { data_transfer_vendors: vec!["com.acme".into()], ..Default::default() };
        let known =
            call(&app, &settings, "DataTransfer", json!({"vendorId": "com.ACME", "data": "x".repeat(5000)}), 1).await;
        assert_eq!(known["status"], "Accepted", "{}", db.backend);
        let other = call(&app, &settings, "DataTransfer", json!({"vendorId": "org.other", "messageId": "m"}), 2).await;
        assert_eq!(other["status"], "UnknownVendorId");
        assert_eq!(
            call(&app, &settings, "FirmwareStatusNotification", json!({"status": "Downloading"}), 3).await,
            json!({})
        );
        call(&app, &settings, "FirmwareStatusNotification", json!({"status": "Installed"}), 4).await;
        call(&app, &settings, "DiagnosticsStatusNotification", json!({"status": "Uploaded"}), 5).await;

        let admin = app.bearer("acme", Role::Admin);
        let (s, page) = app.call(Method::GET, "/api/v1/charge-points", Some(&admin), None).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        let one = &page["items"][0];
        assert_eq!(
            (one["firmware_status"].as_str(), one["diagnostics_status"].as_str()),
            (Some("Installed"), Some("Uploaded"))
        );
        assert_eq!(one["firmware_status_at"], "2026-03-01T12:00:04Z", "{}: {one}", db.backend);
        assert_eq!(one["diagnostics_status_at"], "2026-03-01T12:00:05Z");

        let kept = count(&db, "SELECT COUNT(*) FROM ocpp_device_reports WHERE tenant_id = 'acme'").await;
        let cut =
            count(&db, "SELECT COUNT(*) FROM ocpp_device_reports WHERE data_truncated AND length(data) = 4096").await;
        assert_eq!((kept, cut), (5, 1), "every report kept, the long DataTransfer cut to the bound, {}", db.backend);
    }
}
