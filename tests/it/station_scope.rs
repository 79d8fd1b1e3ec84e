//! Station scope is part of every query: a station-scoped caller gets full pages of what it may
//! see, never another station's data, and cannot write beyond its stations.

use crate::ingest_support::provision;
use crate::support::{assert_error, TestApp};
use axum::http::{Method, StatusCode};
use mgc_iam::{Claims, Role};
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::{json, Value};

/// Provisions stations s0..s5, one meter each, alternating in and out of the scope so that
/// visible and hidden rows interleave in every list; returns (in-scope ids, out-of-scope ids).
async fn interleaved(app: &TestApp, admin: &str) -> (Vec<String>, Vec<String>) {
    let (mut inside, mut outside) = (Vec::new(), Vec::new());
    for i in 0..6 {
        let body = json!({"code": format!("s{i}"), "name": format!("Station {i}"), "time_zone": "Asia/Shanghai",
            "devices": [{"name": format!("meter-{i}"), "kind": "meter"}]});
        let b = provision(app, admin, body).await;
        let id = b["station"]["id"].as_str().unwrap().to_owned();
        if i % 2 == 0 {
            inside.push(id)
        } else {
            outside.push(id)
        }
    }
    (inside, outside)
}

/// `Bearer` token of `role` restricted to `stations`.
fn scoped(app: &TestApp, role: &str, stations: &[String]) -> String {
    let now = app.clock.now().timestamp();
    let claims: Claims = serde_json::from_value(json!({
        "sub": "scoped-user", "tenant_id": "acme", "role": role, "station_ids": stations,
        "exp": now + 3600, "iat": now,
    }))
    .unwrap();
    app.bearer_with(&claims)
}

/// Walks a list one item per page; returns every item and asserts each page but the last is full.
async fn walk(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let (mut items, mut cursor) = (Vec::new(), None::<String>);
    for _ in 0..20 {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = match &cursor {
            Some(c) => format!("{path}{sep}limit=1&cursor={c}"),
            None => format!("{path}{sep}limit=1"),
        };
        let (s, b) = app.call(Method::GET, &url, Some(token), None).await;
        assert_eq!(s, StatusCode::OK, "{url}: {b}");
        let page = b["items"].as_array().unwrap().clone();
        cursor = b["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_some() {
            assert_eq!(page.len(), 1, "{url}: a page with a next_cursor must be full: {b}");
        }
        items.extend(page);
        if cursor.is_none() {
            return items;
        }
    }
    panic!("{path}: the cursor never ended");
}

#[tokio::test]
async fn given_a_station_scoped_viewer_when_listing_then_every_page_is_full_and_nothing_leaks() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let (inside, outside) = interleaved(&app, &admin).await;
        let viewer = scoped(&app, "viewer", &inside);

        let stations = walk(&app, &viewer, "/api/v1/stations").await;
        let mut seen: Vec<String> = stations.iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect();
        seen.sort();
        let mut want = inside.clone();
        want.sort();
        assert_eq!(seen, want, "{}: stations of the scope, all of them", db.backend);

        let devices = walk(&app, &viewer, "/api/v1/devices").await;
        assert_eq!(devices.len(), 3, "{}: {devices:?}", db.backend);
        assert!(devices.iter().all(|d| inside.contains(&d["station_id"].as_str().unwrap().to_owned())));

        for id in &outside {
            let (s, b) = app.call(Method::GET, &format!("/api/v1/stations/{id}"), Some(&viewer), None).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{}: {b}", db.backend);
        }
    }
}

#[tokio::test]
async fn given_a_station_scoped_admin_when_writing_point_mappings_then_only_its_devices_and_no_tenant_wide_rules() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let (inside, outside) = interleaved(&app, &admin).await;
        let scoped_admin = scoped(&app, "admin", &inside[..1]);
        let device_of = |station: &str| {
            let (app, admin, station) = (&app, &admin, station.to_owned());
            async move {
                let (_, b) =
                    app.call(Method::GET, &format!("/api/v1/devices?station_id={station}"), Some(admin), None).await;
                b["items"][0]["id"].as_str().unwrap().to_owned()
            }
        };
        let (mine, theirs) = (device_of(&inside[0]).await, device_of(&outside[0]).await);
        let rules = json!({"mappings": [{"raw_key": "P", "point": "active_power_w", "scale": 1000}]});

        // Another station's device: as if it did not exist; its rules are unchanged.
        let (s, b) = app
            .call(
                Method::PUT,
                &format!("/api/v1/point-mappings/device:{theirs}"),
                Some(&scoped_admin),
                Some(rules.clone()),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{}: {b}", db.backend);
        // A kind's rules reach every station: not for a station-scoped admin.
        let (s, b) =
            app.call(Method::PUT, "/api/v1/point-mappings/kind:meter", Some(&scoped_admin), Some(rules.clone())).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{}: {b}", db.backend);
        assert_error(&b, "station_scope_too_narrow");
        // Its own device: fine.
        let (s, b) = app
            .call(
                Method::PUT,
                &format!("/api/v1/point-mappings/device:{mine}"),
                Some(&scoped_admin),
                Some(rules.clone()),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{}: {b}", db.backend);

        // The tenant admin maps the other device too; the scoped admin's list does not show it.
        let (s, _) =
            app.call(Method::PUT, &format!("/api/v1/point-mappings/device:{theirs}"), Some(&admin), Some(rules)).await;
        assert_eq!(s, StatusCode::OK);
        let (s, b) = app.call(Method::GET, "/api/v1/point-mappings", Some(&scoped_admin), None).await;
        assert_eq!(s, StatusCode::OK);
        let scopes: Vec<&str> = b.as_array().unwrap().iter().map(|m| m["scope"].as_str().unwrap()).collect();
        assert_eq!(scopes, vec![format!("device:{mine}")], "{}: {b}", db.backend);
        let (_, b) = app.call(Method::GET, "/api/v1/point-mappings", Some(&admin), None).await;
        assert_eq!(b.as_array().unwrap().len(), 2, "{}: the tenant admin sees both", db.backend);
    }
}

#[tokio::test]
async fn given_alarms_at_two_stations_when_a_station_scoped_operator_lists_notifications_then_only_its_stations_show() {
    use crate::alarm_support::{dispatch_all, dispatcher, power_rule, rule, webhook_channel, Receiver};
    use crate::ingest_support::{integration, post_signed};
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let mut stations = Vec::new();
        for i in 1..=2 {
            let body = json!({"code": format!("a{i}"), "name": format!("A{i}"), "time_zone": "Asia/Shanghai",
                "devices": [{"name": format!("meter-{i}"), "kind": "meter",
                    "mappings": [{"raw_key": "P", "point": "active_power_w", "scale": 1000, "unit": "kW"}]}]});
            stations.push(provision(&app, &admin, body).await["station"]["id"].as_str().unwrap().to_owned());
        }
        let ing = integration(&app, &admin, false).await;
        let hook = Receiver::start().await;
        let (channel, _) = webhook_channel(&app, &admin, &hook.url).await;
        rule(&app, &admin, power_rule(&channel)).await;
        let t = app.clock.now().timestamp_millis();
        let body = json!([{"device": "meter-1", "ts": t, "values": {"P": 90.0}},
                          {"device": "meter-2", "ts": t, "values": {"P": 90.0}}])
        .to_string();
        assert_eq!(post_signed(&app, &ing, &body, &[]).await.0, StatusCode::OK);
        dispatch_all(&dispatcher(&app)).await;

        let (_, all) = app.call(Method::GET, "/api/v1/notifications", Some(&admin), None).await;
        assert_eq!(all["items"].as_array().unwrap().len(), 2, "{}: one delivery per alarm: {all}", db.backend);
        let operator = scoped(&app, "operator", &stations[..1]);
        let (s, mine) = app.call(Method::GET, "/api/v1/notifications", Some(&operator), None).await;
        assert_eq!(s, StatusCode::OK, "{mine}");
        let mine = mine["items"].as_array().unwrap().clone();
        assert_eq!(mine.len(), 1, "{}: {mine:?}", db.backend);
        let (_, alarm) = app
            .call(Method::GET, &format!("/api/v1/alarms/{}", mine[0]["alarm_id"].as_str().unwrap()), Some(&admin), None)
            .await;
        assert_eq!(alarm["station_id"], stations[0], "{}", db.backend);
        // The other station's delivery is not there, not even by id.
        let other = all["items"].as_array().unwrap().iter().find(|d| d["id"] != mine[0]["id"]).unwrap()["id"].clone();
        let (s, _) = app
            .call(Method::GET, &format!("/api/v1/notifications/{}", other.as_str().unwrap()), Some(&operator), None)
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{}", db.backend);
    }
}

#[tokio::test]
async fn given_strategies_and_shadow_runs_at_interleaved_stations_when_a_scoped_viewer_reads_then_pages_are_full_and_others_are_404(
) {
    use crate::shadow_support::peak_shaving_run;
    use crate::strategy_support::{create, peak_body};
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let (inside, outside) = interleaved(&app, &admin).await;
        let viewer = scoped(&app, "viewer", &inside);
        let (mut strategy_of, mut run_of) = (Vec::new(), Vec::new());
        for station in inside.iter().chain(&outside) {
            let s = create(&app, &admin, peak_body(station, false)).await;
            strategy_of.push((station.clone(), s["id"].as_str().unwrap().to_owned()));
            let (st, r) =
                app.call(Method::POST, "/api/v1/shadow-runs", Some(&admin), Some(peak_shaving_run(station))).await;
            assert_eq!(st, StatusCode::ACCEPTED, "{}: {r}", db.backend);
            run_of.push((station.clone(), r["id"].as_str().unwrap().to_owned()));
        }

        let runs = walk(&app, &viewer, "/api/v1/shadow-runs").await;
        let mut seen: Vec<String> = runs.iter().map(|r| r["station_id"].as_str().unwrap().to_owned()).collect();
        seen.sort();
        let mut want = inside.clone();
        want.sort();
        assert_eq!(seen, want, "{}: one run per station of the scope: {runs:?}", db.backend);

        for ((station, strategy), (_, run)) in strategy_of.iter().zip(&run_of) {
            let expected = if inside.contains(station) { StatusCode::OK } else { StatusCode::NOT_FOUND };
            for path in [format!("/api/v1/strategies/{strategy}"), format!("/api/v1/shadow-runs/{run}")] {
                let (s, b) = app.call(Method::GET, &path, Some(&viewer), None).await;
                assert_eq!(s, expected, "{}: {path}: {b}", db.backend);
            }
        }
    }
}
