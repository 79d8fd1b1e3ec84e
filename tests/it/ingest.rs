//! Provisioning and ThingsBoard ingest through the HTTP router into both backends.

use crate::ingest_support::*;
use crate::support::{assert_error, TestApp};
use axum::http::{Method, StatusCode};
use chrono::TimeZone;
use mgc_eventing::{Dispatcher, DispatcherConfig};
use mgc_iam::{sign_post, Role};
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::json;
use std::sync::Arc;

#[tokio::test]
async fn every_thingsboard_shape_is_stored_with_values_timestamps_and_mappings() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let t = app.clock.now().timestamp_millis() - 60_000;

        // 1. flat object, device and time from templated headers (kW mapped to W)
        let (s, b) = post_signed(
            &app,
            &ing,
            r#"{"P": 1.5, "fw": "1.2.0"}"#,
            &[("x-device-name", "meter-1"), ("x-ts", &t.to_string())],
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{}: {b}", db.backend);
        assert_eq!((b["accepted"].as_u64(), b["new"].as_u64()), (Some(2), Some(2)));
        // 2. {ts, values} and an array of them, ts in seconds in the second element
        let body = json!([{"ts": t + 1000, "values": {"P": 2.0}}, {"ts": (t + 2000) / 1000, "values": {"P": 2.5}}])
            .to_string();
        assert_eq!(post_signed(&app, &ing, &body, &[("x-device-name", "meter-1")]).await.0, StatusCode::OK);
        // 3. the deduplication node's merged array (metadata values are strings)
        let body = json!([{"msg": {"pv_power_w": 42000}, "metadata": {"deviceName": "pv-1", "deviceType": "inverter", "ts": (t + 3000).to_string()}}]).to_string();
        assert_eq!(post_signed(&app, &ing, &body, &[]).await.0, StatusCode::OK);
        // 4. canonical batch, device by ThingsBoard id
        let body = json!([{"device": "784f394c-42b6-435a-983c-b7beff2784f9", "ts": t + 4000, "values": {"pv_power_w": 43000, "online": true}}]).to_string();
        assert_eq!(post_signed(&app, &ing, &body, &[]).await.0, StatusCode::OK);

        let meter = device_id(&app, &admin, "meter-1").await;
        let got = points(&app, &admin, &meter).await;
        let p: Vec<_> = got
            .iter()
            .filter(|r| r["point"] == "active_power_w")
            .map(|r| (r["ts"].as_str().unwrap().to_owned(), r["num_value"].as_f64().unwrap()))
            .collect();
        let at = |ms: i64| chrono::DateTime::from_timestamp_millis(ms).unwrap();
        assert_eq!(p.len(), 3, "{}: {got:?}", db.backend);
        assert_eq!(p[0].1, 1500.0);
        assert_eq!(chrono::DateTime::parse_from_rfc3339(&p[0].0).unwrap(), at(t));
        assert_eq!(p[2].1, 2500.0);
        assert_eq!(chrono::DateTime::parse_from_rfc3339(&p[2].0).unwrap(), at(((t + 2000) / 1000) * 1000));
        let (s, unmapped) =
            app.call(Method::GET, &format!("/api/v1/devices/{meter}/unmapped-keys"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::OK, "{unmapped}");
        let keys: Vec<_> = unmapped.as_array().unwrap().iter().map(|k| k["raw_key"].as_str().unwrap()).collect();
        assert_eq!(keys, vec!["fw"], "{}: P is mapped, so only fw is unmapped", db.backend);
        let fw = got.iter().find(|r| r["point"] == "fw").unwrap();
        assert_eq!(fw["value"], json!({"type": "text", "value": "1.2.0"}));
        assert!(fw["num_value"].is_null());

        let pv = device_id(&app, &admin, "pv-1").await;
        let got = points(&app, &admin, &pv).await;
        let pv_power: Vec<_> =
            got.iter().filter(|r| r["point"] == "pv_power_w").map(|r| r["num_value"].as_f64().unwrap()).collect();
        assert_eq!(pv_power, vec![42000.0, 43000.0], "{}", db.backend);
        assert!(got.iter().any(|r| r["point"] == "online" && r["num_value"] == 1.0));

        // Latest values of the station: newest wins, an older late point does not regress it.
        let body = json!({"ts": t - 3_600_000, "values": {"P": 9.9}}).to_string();
        assert_eq!(post_signed(&app, &ing, &body, &[("x-device-name", "meter-1")]).await.0, StatusCode::OK);
        let (_, stations) = app.call(Method::GET, "/api/v1/stations", Some(&admin), None).await;
        let sid = stations["items"][0]["id"].as_str().unwrap();
        let (s, latest) =
            app.call(Method::GET, &format!("/api/v1/telemetry/latest?station_id={sid}"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::OK, "{latest}");
        let lp = latest.as_array().unwrap().iter().find(|r| r["point"] == "active_power_w").unwrap();
        assert_eq!(lp["num_value"], 2500.0, "{}", db.backend);
    }
}

#[tokio::test]
async fn rejected_requests_get_distinct_401_codes_and_store_nothing() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let body = r#"{"P": 1}"#;
        let dev = [("x-device-name", "meter-1")];
        let now = app.clock.now().timestamp().to_string();

        let bad_sig = sign_post(b"not-the-secret", TELEMETRY, &now, &dev, body.as_bytes());
        let (s, b) = post_with(
            &app,
            body,
            &[("x-integration-id", &ing.id), ("x-timestamp", &now), ("x-signature", &bad_sig)],
            &dev,
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_error(&b, "invalid_signature");

        let stale = (app.clock.now().timestamp() - 301).to_string();
        let sig = sign_post(ing.secret.as_bytes(), TELEMETRY, &stale, &dev, body.as_bytes());
        let (_, b) = post_with(
            &app,
            body,
            &[("x-integration-id", &ing.id), ("x-timestamp", &stale), ("x-signature", &sig)],
            &dev,
        )
        .await;
        assert_error(&b, "stale_timestamp");

        let (_, b) = post_with(
            &app,
            body,
            &[("x-integration-id", &uuid::Uuid::now_v7().to_string()), ("x-integration-secret", "x")],
            &dev,
        )
        .await;
        assert_error(&b, "unknown_integration");

        let (_, b) =
            post_with(&app, body, &[("x-integration-id", &ing.id), ("x-integration-secret", &ing.secret)], &dev).await;
        assert_error(&b, "static_auth_disabled");

        let (_, b) = post_with(&app, body, &[], &dev).await;
        assert_error(&b, "missing_integration_credentials");

        // The same signed request twice: the second is a replay.
        let sig = sign_post(ing.secret.as_bytes(), TELEMETRY, &now, &dev, body.as_bytes());
        let signed =
            [("x-integration-id", ing.id.as_str()), ("x-timestamp", now.as_str()), ("x-signature", sig.as_str())];
        assert_eq!(post_with(&app, body, &signed, &dev).await.0, StatusCode::OK);
        let (s, b) = post_with(&app, body, &signed, &dev).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_error(&b, "replayed_signature");

        // Bad payloads: 400/422 with the offending path.
        let (s, b) = post_signed(&app, &ing, r#"{"P": "#, &dev).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_error(&b, "malformed_json");
        let (s, b) = post_signed(&app, &ing, r#"[{"ts": 1700000000000, "values": [1, 2]}]"#, &dev).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(assert_error(&b, "invalid_shape").contains("$[0].values"), "{b}");
        let (s, b) = post_signed(
            &app,
            &ing,
            r#"[{"ts": 1, "values": {"P": 1}}, {"ts": 99999999999999, "values": {"P": 2}}]"#,
            &dev,
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(assert_error(&b, "invalid_timestamp").contains("$[0].ts"), "{b}");

        // Only the one accepted request left a point.
        let meter = device_id(&app, &admin, "meter-1").await;
        assert_eq!(points(&app, &admin, &meter).await.len(), 1, "{}", db.backend);
    }
}

#[tokio::test]
async fn static_mode_when_enabled_and_rotation_grace() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        provision(&app, &admin, station_body()).await;
        let ing = integration(&app, &admin, true).await;
        let dev = [("x-device-name", "meter-1")];
        let (s, b) = post_with(
            &app,
            r#"{"P": 1}"#,
            &[("x-integration-id", &ing.id), ("x-integration-secret", &ing.secret)],
            &dev,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{}: {b}", db.backend);

        let (s, rotated) = app
            .call(
                Method::POST,
                &format!("/api/v1/integrations/{}/rotate", ing.id),
                Some(&admin),
                Some(json!({"grace_secs": 60})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{rotated}");
        let new = Ingest { id: ing.id.clone(), secret: rotated["secret"].as_str().unwrap().into() };
        assert_ne!(new.secret, ing.secret);
        app.clock.advance(chrono::Duration::seconds(1));
        assert_eq!(post_signed(&app, &ing, r#"{"P": 2}"#, &dev).await.0, StatusCode::OK, "old secret inside grace");
        app.clock.advance(chrono::Duration::seconds(61));
        assert_eq!(
            post_signed(&app, &ing, r#"{"P": 3}"#, &dev).await.0,
            StatusCode::UNAUTHORIZED,
            "old secret after grace"
        );
        assert_eq!(post_signed(&app, &new, r#"{"P": 4}"#, &dev).await.0, StatusCode::OK);
    }
}

#[tokio::test]
async fn same_batch_twice_stores_once_and_emits_one_event() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let t = app.clock.now().timestamp_millis();
        let body = json!([{"device": "meter-1", "ts": t, "values": {"P": 1, "Q": 2}}, {"device": "meter-1", "ts": t + 1000, "values": {"P": 3}}]).to_string();
        let (_, first) = post_signed(&app, &ing, &body, &[]).await;
        assert_eq!(first["new"], 3, "{}: {first}", db.backend);
        app.clock.advance(chrono::Duration::seconds(1));
        let (_, second) = post_signed(&app, &ing, &body, &[]).await;
        assert_eq!(
            (second["new"].as_u64(), second["duplicate"].as_u64()),
            (Some(0), Some(3)),
            "{}: {second}",
            db.backend
        );
        assert_eq!(
            pending_of(&app, "telemetry.received").await,
            1,
            "{}: a duplicate batch emitted an event",
            db.backend
        );

        // A changed value for the same key is an upsert and news.
        app.clock.advance(chrono::Duration::seconds(1));
        let body = json!([{"device": "meter-1", "ts": t, "values": {"P": 7}}]).to_string();
        let (_, third) = post_signed(&app, &ing, &body, &[]).await;
        assert_eq!(third["changed"], 1, "{third}");
        assert_eq!(pending_of(&app, "telemetry.received").await, 2);
        let meter = device_id(&app, &admin, "meter-1").await;
        let pts = points(&app, &admin, &meter).await;
        assert_eq!(pts.len(), 3, "{}", db.backend);
        assert_eq!(pts.iter().find(|p| p["point"] == "active_power_w").unwrap()["num_value"], 7000.0);
    }
}

#[tokio::test]
async fn unknown_device_is_quarantined_then_reingested_when_provisioned() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let t = app.clock.now().timestamp_millis();
        let body = json!([{"msg": {"soc_pct": 55.5}, "metadata": {"deviceName": "bess-9", "deviceType": "battery", "ts": t.to_string()}}]).to_string();
        let (_, r) = post_signed(&app, &ing, &body, &[]).await;
        assert_eq!(r["quarantined"], 1, "{}: {r}", db.backend);
        let (_, unrouted) = app.call(Method::GET, "/api/v1/telemetry/unrouted", Some(&admin), None).await;
        assert_eq!(unrouted["items"][0]["device"], "bess-9");
        assert_eq!(unrouted["items"][0]["device_type"], "battery");

        let mut more = station_body();
        more["devices"].as_array_mut().unwrap().push(json!({"name": "bess-9", "kind": "battery"}));
        provision(&app, &admin, more).await;
        let mut d = Dispatcher::new(Arc::new(app.store.clone()), app.clock.shared(), DispatcherConfig::default());
        d.register(Arc::new(mgc_adapter_thingsboard::UnroutedReplay));
        while d.tick().await.unwrap().claimed > 0 {}

        let bess = device_id(&app, &admin, "bess-9").await;
        let pts = points(&app, &admin, &bess).await;
        assert_eq!(pts.len(), 1, "{}: quarantined point not re-ingested", db.backend);
        assert_eq!(pts[0]["point"], "soc_pct");
        assert_eq!(pts[0]["num_value"], 55.5);
        let (_, unrouted) = app.call(Method::GET, "/api/v1/telemetry/unrouted", Some(&admin), None).await;
        assert_eq!(unrouted["items"], json!([]), "{}", db.backend);
    }
}

#[tokio::test]
async fn provisioning_twice_changes_nothing_and_other_tenants_see_nothing() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let first = provision(&app, &admin, station_body()).await;
        assert_eq!((first["created"].as_bool(), first["changed"].as_bool()), (Some(true), Some(true)));
        let events_after_first = pending_of(&app, "masterdata.device_provisioned").await;
        let second = provision(&app, &admin, station_body()).await;
        assert_eq!(
            (second["created"].as_bool(), second["changed"].as_bool()),
            (Some(false), Some(false)),
            "{}",
            db.backend
        );
        assert_eq!(second["station"]["id"], first["station"]["id"]);
        assert_eq!(second["devices"][0]["id"], first["devices"][0]["id"]);
        assert_eq!(pending_of(&app, "masterdata.device_provisioned").await, events_after_first, "{}", db.backend);
        let (_, devices) = app.call(Method::GET, "/api/v1/devices", Some(&admin), None).await;
        assert_eq!(devices["items"].as_array().unwrap().len(), 2);
        let (_, mappings) = app.call(Method::GET, "/api/v1/point-mappings", Some(&admin), None).await;
        assert_eq!(mappings.as_array().unwrap().len(), 1, "{mappings}");

        // Tenant B: no stations, devices, telemetry of A.
        let b = app.bearer("other", Role::Admin);
        let sid = first["station"]["id"].as_str().unwrap();
        let did = first["devices"][0]["id"].as_str().unwrap();
        assert_eq!(
            app.call(Method::GET, &format!("/api/v1/stations/{sid}"), Some(&b), None).await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.call(Method::GET, &format!("/api/v1/devices/{did}"), Some(&b), None).await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(app.call(Method::GET, "/api/v1/devices", Some(&b), None).await.1["items"], json!([]));
        let path = format!("/api/v1/telemetry?device_id={did}&from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z");
        assert_eq!(app.call(Method::GET, &path, Some(&b), None).await.0, StatusCode::NOT_FOUND);
        assert_eq!(
            app.call(Method::GET, &format!("/api/v1/telemetry/latest?station_id={sid}"), Some(&b), None).await.0,
            StatusCode::NOT_FOUND
        );

        // A station-scoped token of A does not see other stations either.
        let scoped = app
            .issuer
            .issue(
                "u2",
                &mgc_kernel::TenantId::parse("acme").unwrap(),
                Role::Viewer,
                Some(vec![mgc_kernel::StationId::new()]),
                app.clock.now(),
                chrono::Duration::hours(1),
            )
            .unwrap();
        let scoped = format!("Bearer {scoped}");
        assert_eq!(
            app.call(Method::GET, &format!("/api/v1/stations/{sid}"), Some(&scoped), None).await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(app.call(Method::GET, "/api/v1/stations", Some(&scoped), None).await.1["items"], json!([]));
        // Viewers may not provision.
        let viewer = app.bearer("acme", Role::Viewer);
        assert_eq!(
            app.call(Method::POST, "/api/v1/provisioning/stations", Some(&viewer), Some(station_body())).await.0,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn kind_template_maps_every_device_of_the_kind_and_device_override_wins() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        provision(&app, &admin, station_body()).await;
        let body = json!({"mappings": [{"raw_key": "Ppv", "point": "pv_power_w", "scale": 1000}, {"raw_key": "P", "point": "pv_power_w", "scale": 1}]});
        let (s, b) =
            app.call(Method::PUT, "/api/v1/point-mappings/kind:pv_inverter", Some(&admin), Some(body.clone())).await;
        assert_eq!(s, StatusCode::OK, "{}: {b}", db.backend);
        assert_eq!(b.as_array().unwrap().len(), 2);
        assert!(b.as_array().unwrap().iter().all(|m| m["version"] == 1));
        // Same set again: nothing changes, versions stay.
        let (_, again) =
            app.call(Method::PUT, "/api/v1/point-mappings/kind:pv_inverter", Some(&admin), Some(body)).await;
        assert_eq!(again, b);
        let (s, e) = app
            .call(Method::PUT, "/api/v1/point-mappings/kind:toaster", Some(&admin), Some(json!({"mappings": []})))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
        let (s, e) = app
            .call(
                Method::PUT,
                "/api/v1/point-mappings/kind:meter",
                Some(&admin),
                Some(json!({"mappings": [{"raw_key": "x", "point": "watts"}]})),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(assert_error(&e, "invalid_mapping").contains("mappings[0]"));

        let ing = integration(&app, &admin, false).await;
        let t = app.clock.now().timestamp_millis();
        // pv-1 (kind template: Ppv kW → W) and meter-1 (own override: P kW → active_power_w).
        let body = json!([{"device": "pv-1", "ts": t, "values": {"Ppv": 4.2}}, {"device": "meter-1", "ts": t, "values": {"P": 2}}]).to_string();
        assert_eq!(post_signed(&app, &ing, &body, &[]).await.0, StatusCode::OK);
        let pv = device_id(&app, &admin, "pv-1").await;
        let pts = points(&app, &admin, &pv).await;
        assert_eq!(
            (pts[0]["point"].as_str(), pts[0]["num_value"].as_f64()),
            (Some("pv_power_w"), Some(4200.0)),
            "{}",
            db.backend
        );
        let meter = device_id(&app, &admin, "meter-1").await;
        let pts = points(&app, &admin, &meter).await;
        assert_eq!((pts[0]["point"].as_str(), pts[0]["num_value"].as_f64()), (Some("active_power_w"), Some(2000.0)));
    }
}

#[tokio::test]
async fn bucketed_query_follows_the_station_time_zone() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        app.clock.set(chrono::Utc.with_ymd_and_hms(2026, 3, 1, 17, 0, 0).unwrap());
        let admin = app.bearer("acme", Role::Admin);
        provision(&app, &admin, station_body()).await;
        let ing = integration(&app, &admin, false).await;
        // Asia/Shanghai (UTC+8): 15:00 and 15:30 UTC are 23:00/23:30 local on 03-01, 16:00 UTC is 00:00 local 03-02.
        let ms = |h: u32, m: u32| chrono::Utc.with_ymd_and_hms(2026, 3, 1, h, m, 0).unwrap().timestamp_millis();
        let body = json!([{"device": "meter-1", "ts": ms(15, 0), "values": {"P": 1}}, {"device": "meter-1", "ts": ms(15, 30), "values": {"P": 3}},
                          {"device": "meter-1", "ts": ms(16, 0), "values": {"P": 10}}]).to_string();
        assert_eq!(post_signed(&app, &ing, &body, &[]).await.0, StatusCode::OK);
        let meter = device_id(&app, &admin, "meter-1").await;
        let q = |extra: &str| {
            format!("/api/v1/telemetry?device_id={meter}&from=2026-02-28T00:00:00Z&to=2026-03-03T00:00:00Z&point=active_power_w{extra}")
        };
        let (s, b) = app.call(Method::GET, &q("&interval=1d&agg=avg"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::OK, "{}: {b}", db.backend);
        assert_eq!(b["time_zone"], "Asia/Shanghai");
        let items = b["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{b}");
        assert_eq!(
            (items[0]["start"].as_str(), items[0]["value"].as_f64(), items[0]["samples"].as_u64()),
            (Some("2026-02-28T16:00:00Z"), Some(2000.0), Some(2))
        );
        assert_eq!(items[1]["value"], 10000.0);
        let (_, b) = app.call(Method::GET, &q("&interval=30m&agg=max"), Some(&admin), None).await;
        assert_eq!(b["items"].as_array().unwrap().len(), 3, "{b}");
        let (s, e) = app.call(Method::GET, &q("&interval=7m"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(assert_error(&e, "invalid_query").contains("7m"));
        let (s, e) = app.call(Method::GET, &q("&agg=avg"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_eq!(assert_error(&e, "invalid_query"), "agg needs interval");
        let (s, e) = app.call(Method::GET, &q("&interval=1h&agg=median"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(assert_error(&e, "invalid_query").contains("median"));
        let empty = format!("/api/v1/telemetry?device_id={meter}&from=2026-03-01T00:00:00Z&to=2026-03-01T00:00:00Z");
        let (s, e) = app.call(Method::GET, &empty, Some(&admin), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(assert_error(&e, "invalid_query").contains("must be before"));
    }
}
