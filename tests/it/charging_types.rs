//! Charger types through the router on both backends: an operator types piles (an unknown type
//! is refused), views and lists show the type, and the fleet figures count AC, DC and
//! two-wheeler piles online and offline per station and per tenant, scope-aware.

use crate::charging_stats::viewer_key;
use crate::support::{tenant, TestApp};
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Utc};
use mgc_charging::{
    BootInfo, ChargePoint, ChargePointRepository, ChargingSettings, ChargingUnits, OcppIdentity, Protocol,
    RegistrationStatus,
};
use mgc_eventing::UnitOfWork;
use mgc_iam::Role;
use mgc_kernel::{Clock, StationId};
use serde_json::{json, Value};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// An OCPP pile (typed `ac` as every new one) at `station`, connected or not; its id.
async fn ocpp_pile(app: &TestApp, station: StationId, name: &str, connected: bool) -> String {
    let mut tx = app.store.begin().await.unwrap();
    let id = OcppIdentity::parse(name).unwrap();
    let mut cp = ChargePoint::register(tenant("acme"), id, RegistrationStatus::Accepted, at("2026-03-01T00:00:00Z"));
    cp.station_id = Some(station);
    cp.connected = connected;
    tx.insert_charge_point(&cp).await.unwrap();
    tx.commit().await.unwrap();
    cp.id.to_string()
}

/// An AP3000 pile registered (and so connected) by the adapter's boot path, then put at `station`.
async fn ap3000_pile(app: &TestApp, station: StationId, name: &str) -> String {
    let identity = OcppIdentity::parse(name).unwrap();
    let info = BootInfo {
        vendor: "DNY".into(),
        model: "AP3000".into(),
        serial_number: None,
        firmware_version: None,
        meter_type: None,
        meter_serial_number: None,
    };
    let settings = ChargingSettings { accept_unknown: true, ..ChargingSettings::default() };
    let tx = app.store.begin().await.unwrap();
    let now = app.clock.now();
    mgc_charging::boot_as(tx, &tenant("acme"), &identity, Protocol::Ap3000, info, &settings, now).await.unwrap();
    let mut cp = app.store.find_charge_point(&tenant("acme"), &identity).await.unwrap().unwrap();
    cp.station_id = Some(station);
    let mut tx = app.store.begin().await.unwrap();
    tx.save_charge_point(&cp).await.unwrap();
    tx.commit().await.unwrap();
    cp.id.to_string()
}

/// The `by_type` figures of a fleet answer as `[total, online, offline]` per type.
fn by_type(fleet: &Value) -> Value {
    let t = &fleet["by_type"];
    let c = |k: &str| json!([t[k]["total"], t[k]["online"], t[k]["offline"]]);
    json!({"ac": c("ac"), "dc": c("dc"), "two_wheeler": c("two_wheeler")})
}

#[tokio::test]
async fn given_a_mixed_fleet_when_typed_then_by_type_figures_per_station_and_tenant_in_scope_only() {
    for db in mgc_tests::all_databases().await {
        let app = TestApp::new(&db).await;
        let b = db.backend;
        let admin = app.bearer("acme", Role::Admin);
        let mut stations = Vec::new();
        for code in ["north", "south"] {
            let body = json!({"code": code, "name": code, "time_zone": "Europe/Berlin", "devices": []});
            let provisioned = crate::ingest_support::provision(&app, &admin, body).await;
            stations.push(provisioned["station"]["id"].as_str().unwrap().parse::<StationId>().unwrap());
        }
        let (north, south) = (stations[0], stations[1]);
        // North: A1 ac online, D1 dc online, D2 dc offline, W1 AP3000 (two-wheeler, online).
        // South: A2 ac offline, A3 ac online, W2 typed two-wheeler, offline.
        ocpp_pile(&app, north, "A1", true).await;
        let d1 = ocpp_pile(&app, north, "D1", true).await;
        let d2 = ocpp_pile(&app, north, "D2", false).await;
        let w1 = ap3000_pile(&app, north, "W1").await;
        ocpp_pile(&app, south, "A2", false).await;
        ocpp_pile(&app, south, "A3", true).await;
        let w2 = ocpp_pile(&app, south, "W2", false).await;

        let operator = app.bearer("acme", Role::Operator);
        for (id, kind) in [(&d1, "dc"), (&d2, "dc"), (&w2, "two_wheeler")] {
            let path = format!("/api/v1/charge-points/{id}/charger-type");
            let (s, cp) = app.call(Method::PUT, &path, Some(&operator), Some(json!({"charger_type": kind}))).await;
            assert_eq!((s, cp["charger_type"].as_str()), (StatusCode::OK, Some(kind)), "{b}: {cp}");
        }
        let path = format!("/api/v1/charge-points/{d1}/charger-type");
        let (s, e) = app.call(Method::PUT, &path, Some(&operator), Some(json!({"charger_type": "tram"}))).await;
        assert_eq!(
            (s, e["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_charging_input")),
            "{b}: {e}"
        );
        let other = app.bearer("other", Role::Admin);
        let body = Some(json!({"charger_type": "ac"}));
        assert_eq!(app.call(Method::PUT, &path, Some(&other), body).await.0, StatusCode::NOT_FOUND, "{b}");

        let viewer = app.bearer("acme", Role::Viewer);
        let (_, w1_view) = app.call(Method::GET, &format!("/api/v1/charge-points/{w1}"), Some(&viewer), None).await;
        assert_eq!(w1_view["charger_type"], "two_wheeler", "{b}: AP3000 piles start as two-wheelers");
        let (_, dcs) = app.call(Method::GET, "/api/v1/charge-points?charger_type=dc", Some(&viewer), None).await;
        let mut names: Vec<&str> =
            dcs["items"].as_array().unwrap().iter().map(|c| c["identity"].as_str().unwrap()).collect();
        names.sort_unstable();
        assert_eq!(names, ["D1", "D2"], "{b}: {dcs}");
        let acme = viewer_key(&app, "acme", None).await;
        let (_, third) = app.call(Method::GET, "/api/third/v1/devices/D1", Some(&acme), None).await;
        assert_eq!(third["charger_type"], "dc", "{b}: {third}");

        let fleet = |who: &str, station: Option<StationId>| {
            let path = match station {
                Some(s) => format!("/api/v1/stats/charging/fleet?station_id={s}"),
                None => "/api/v1/stats/charging/fleet".to_owned(),
            };
            let who = who.to_owned();
            let app = &app;
            async move {
                let (s, f) = app.call(Method::GET, &path, Some(&who), None).await;
                assert_eq!(s, StatusCode::OK, "{f}");
                let third = path.replace("/api/v1/", "/api/third/v1/");
                assert_eq!(app.call(Method::GET, &third, Some(&who), None).await.1, f, "the same for platforms");
                f
            }
        };
        let north_fleet = fleet(&viewer, Some(north)).await;
        assert_eq!(
            by_type(&north_fleet),
            json!({"ac": [1, 1, 0], "dc": [2, 1, 1], "two_wheeler": [1, 1, 0]}),
            "{b}: {north_fleet}"
        );
        let south_fleet = fleet(&viewer, Some(south)).await;
        assert_eq!(
            by_type(&south_fleet),
            json!({"ac": [2, 1, 1], "dc": [0, 0, 0], "two_wheeler": [1, 0, 1]}),
            "{b}: {south_fleet}"
        );
        let tenant_fleet = fleet(&viewer, None).await;
        assert_eq!(
            by_type(&tenant_fleet),
            json!({"ac": [3, 2, 1], "dc": [2, 1, 1], "two_wheeler": [2, 1, 1]}),
            "{b}: {tenant_fleet}"
        );
        assert_eq!((tenant_fleet["total"].as_u64(), tenant_fleet["online"].as_u64()), (Some(7), Some(4)), "{b}");

        // A key scoped to the south station sees only its piles; tenant B sees none.
        let scoped = viewer_key(&app, "acme", Some(vec![south.to_string()])).await;
        assert_eq!(by_type(&fleet(&scoped, None).await), by_type(&south_fleet), "{b}");
        let beta = app.bearer("beta", Role::Viewer);
        let zero = json!({"ac": [0, 0, 0], "dc": [0, 0, 0], "two_wheeler": [0, 0, 0]});
        assert_eq!(by_type(&fleet(&beta, None).await), zero, "{b}");
    }
}
