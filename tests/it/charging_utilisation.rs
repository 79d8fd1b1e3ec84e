//! Port utilisation through the router on both backends: the charging statistics' small Berlin
//! fleet (3 ports) over the 23-hour DST day, against hand-computed figures, for operators and for
//! platforms; tenant B's key and another station's key see none of it.

use crate::charging_stats::{dst_day_rows, fleet, viewer_key};
use crate::settlement_support::download;
use crate::support::{tenant, TestApp};
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Utc};
use mgc_charging::{Connector, ConnectorErrorCode, ConnectorRepository, ConnectorStatus, StatusReport};
use mgc_eventing::UnitOfWork;
use mgc_iam::Role;
use mgc_kernel::{Clock, StationId};
use serde_json::{json, Value};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Connectors 1 and 2 of BER-1 and 1 of BER-2 (and BER-1's connector 0, which is no port).
pub(crate) async fn ports(app: &TestApp) {
    let admin = app.bearer("acme", Role::Admin);
    let (_, page) = app.call(Method::GET, "/api/v1/charge-points", Some(&admin), None).await;
    let id = |name: &str| -> mgc_charging::ChargePointId {
        let items = page["items"].as_array().unwrap();
        items.iter().find(|c| c["identity"] == name).unwrap()["id"].as_str().unwrap().parse().unwrap()
    };
    let mut tx = app.store.begin().await.unwrap();
    for (pile, number) in [("BER-1", 0), ("BER-1", 1), ("BER-1", 2), ("BER-2", 1)] {
        let report = StatusReport {
            connector: number,
            status: ConnectorStatus::Available,
            error_code: ConnectorErrorCode::NoError,
            info: None,
            vendor_id: None,
            vendor_error_code: None,
            timestamp: Some(at("2026-03-01T00:00:00Z")),
        };
        let (c, entry) = Connector::first_report(tenant("acme"), id(pile), &report, at("2026-03-01T00:00:00Z"));
        tx.save_connector(&c, &[entry]).await.unwrap();
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn given_three_ports_over_the_dst_day_when_utilisation_asked_then_the_hand_computed_per_mille() {
    for db in mgc_tests::all_databases().await {
        let app = TestApp::new(&db).await;
        let b = db.backend;
        let admin = app.bearer("acme", Role::Admin);
        let body = json!({"code": "ber", "name": "Berlin", "time_zone": "Europe/Berlin", "devices": []});
        let provisioned = app.provision_body(&admin, body).await;
        let station: StationId = provisioned["station"]["id"].as_str().unwrap().parse().unwrap();
        let other = app
            .provision_body(&admin, json!({"code": "oth", "name": "Other", "time_zone": "UTC", "devices": []}))
            .await;
        let rows = dst_day_rows();
        fleet(&app, station, &rows).await;
        ports(&app).await;
        // Now is 01:00 UTC on the 30th: the running session has run 3 hours.
        let now = at("2026-03-30T01:00:00Z");
        app.clock.advance(now - app.clock.now());

        let range = format!("station_id={station}&granularity=day&from=2026-03-29T00:00:00Z&to=2026-03-30T12:00:00Z");
        let viewer = app.bearer("acme", Role::Viewer);
        let (s, days) =
            app.call(Method::GET, &format!("/api/v1/stats/charging/utilisation?{range}"), Some(&viewer), None).await;
        assert_eq!(s, StatusCode::OK, "{b}: {days}");
        let got: Vec<Value> = days
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                json!([d["label"], d["ports"], d["port_seconds"], d["charging_seconds"], d["utilisation_permille"]])
            })
            .collect();
        // 29th: 23 h × 3 ports = 248,400 s; in sessions 3,600 + 60 (to 22:00Z) + 3,540 (from 23:00Z)
        // = 7,200 s → 28.98‰ → 28. 30th: 24 h × 3 = 259,200 s; the failed one's last 29 min
        // (1,740 s) and the running one 22:00Z–01:00Z (10,800 s) = 12,540 s → 48.38‰ → 48.
        assert_eq!(
            got,
            [json!(["2026-03-29", 3, 248_400, 7_200, 28]), json!(["2026-03-30", 3, 259_200, 12_540, 48])],
            "{b}: {days}"
        );
        let acme = viewer_key(&app, "acme", None).await;
        for (prefix, token) in [("/api/v1", &viewer), ("/api/third/v1", &acme)] {
            let id = station.to_string();
            crate::charging_stats_exports::check_window_exports(&app, prefix, token, &id, &range, &days).await;
        }
        let third = format!("/api/third/v1/stats/charging/utilisation?{range}");
        assert_eq!(app.call(Method::GET, &third, Some(&acme), None).await.1, days, "{b}: the same for platforms");
        let (s, fleet) = app
            .call(Method::GET, &format!("/api/third/v1/stats/charging/fleet?station_id={station}"), Some(&acme), None)
            .await;
        assert_eq!((s, fleet["ports_idle"].as_u64()), (StatusCode::OK, Some(3)), "{b}: {fleet}");

        let beta = viewer_key(&app, "beta", None).await;
        let scoped = viewer_key(&app, "acme", Some(vec![other["station"]["id"].as_str().unwrap().to_owned()])).await;
        let exports = ["sessions", "utilisation"].map(|r| format!("/api/third/v1/stats/charging/{r}/export?{range}"));
        let commands = format!(
            "/api/third/v1/stats/charging/commands/export?station_id={station}&from=2026-03-29T00:00:00Z&to=2026-03-30T12:00:00Z"
        );
        for who in [&beta, &scoped] {
            let (s, e) = app.call(Method::GET, &third, Some(who), None).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{b}: {e}");
            for path in exports.iter().chain([&commands]) {
                for format in ["csv", "xlsx"] {
                    let (s, _, body) = download(&app, who, &format!("{path}&format={format}")).await;
                    let body = String::from_utf8_lossy(&body);
                    assert_eq!(s, StatusCode::NOT_FOUND, "{b}: {path}: {body}");
                    assert!(body.contains("not_found"), "{b}: an error body, no file: {body}");
                }
            }
            let (_, theirs) = app.call(Method::GET, "/api/third/v1/stats/charging/fleet", Some(who), None).await;
            assert_eq!((theirs["total"].as_u64(), theirs["ports_idle"].as_u64()), (Some(0), Some(0)), "{b}: {theirs}");
        }
    }
}
