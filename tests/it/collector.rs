//! The pull collector against a fake WinPower G2 server, on both backends: readings mapped onto
//! UPS devices through their point mappings, unknown devices quarantined, devices appearing and
//! disappearing, token expiry and refresh, a timeout, wrong credentials (clear error, backoff,
//! alarm raised then cleared), and energy counters on /metrics restored after a restart.

use crate::collector_support::*;
use crate::support::TestApp;
use axum::http::Method;
use chrono::Duration;
use mgc_iam::Role;
use mgc_kernel::Clock;
use mgc_tests::all_databases;

#[tokio::test]
async fn given_a_winpower_source_when_polled_then_ups_readings_are_mapped_and_unknown_devices_quarantined() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let provisioned = provision_ups(&app, "ups-room", &["ups-a"]).await;
        let station = provisioned["station"]["id"].as_str().unwrap().to_owned();
        let device = provisioned["devices"][0]["id"].as_str().unwrap().to_owned();
        let wp = FakeWinPower::start("s3cret", vec![ups("ups-a", 195.0), ups("ups-b", 80.0)]).await;
        let mut c = collector(&app, vec![source("room-1", &wp.url, "s3cret")]).await;
        assert_eq!(sources(&app, "acme").await[0]["state"], "pending", "{}", db.backend);

        assert_eq!(c.poll_due(app.clock.now()).await, 1);
        assert_eq!(wp.with(|s| s.logins), 1, "{}: one login", db.backend);
        let values = latest(&app, &station, &device).await;
        let get = |p: &str| values.iter().find(|(n, _)| n == p).and_then(|(_, v)| *v);
        assert_eq!(get("active_power_w"), Some(195.0), "{}: loadTotalWatt mapped: {values:?}", db.backend);
        assert_eq!(get("voltage_v"), Some(220.1));
        assert_eq!(get("soc_pct"), Some(90.0));
        assert_eq!(get("loadPercent"), Some(6.0), "an unmapped key is kept under its raw name");
        assert_eq!(get("collector_ok"), Some(1.0));

        let admin = app.bearer("acme", Role::Admin);
        let (_, unrouted) = app.call(Method::GET, "/api/v1/telemetry/unrouted?limit=200", Some(&admin), None).await;
        let items = unrouted["items"].as_array().unwrap();
        assert!(items.iter().any(|p| p["device"] == "ups-b" && p["device_type"] == "ups"), "{unrouted}");
        assert!(items.iter().all(|p| p["device"] != "ups-a"));

        let health = sources(&app, "acme").await;
        assert_eq!(health.len(), 1);
        assert_eq!(health[0]["state"], "ok");
        assert_eq!(health[0]["devices"], serde_json::json!(["ups-a", "ups-b"]));
        assert_eq!(health[0]["unknown_devices"], serde_json::json!(["ups-b"]));
        assert!(sources(&app, "beta").await.is_empty(), "{}: another tenant sees no source", db.backend);

        // ups-c appears, ups-b disappears.
        wp.with(|s| s.devices = vec![ups("ups-a", 200.0), ups("ups-c", 10.0)]);
        app.clock.advance(Duration::seconds(10));
        assert_eq!(c.poll_due(app.clock.now()).await, 0, "not due before the interval");
        app.clock.advance(Duration::seconds(20));
        assert_eq!(c.poll_due(app.clock.now()).await, 1);
        let health = sources(&app, "acme").await;
        assert_eq!(health[0]["devices"], serde_json::json!(["ups-a", "ups-c"]), "{}", db.backend);
        assert_eq!(health[0]["unknown_devices"], serde_json::json!(["ups-c"]));
        let values = latest(&app, &station, &device).await;
        assert!(values.contains(&("active_power_w".into(), Some(200.0))), "{values:?}");

        // ups-b is provisioned after all: its quarantined readings move in.
        let added = provision_ups(&app, "ups-room", &["ups-a", "ups-b"]).await;
        app.pump().await;
        let b = added["devices"][1]["id"].as_str().unwrap().to_owned();
        let values = latest(&app, &station, &b).await;
        assert!(values.contains(&("active_power_w".into(), Some(80.0))), "{}: {values:?}", db.backend);
    }
}

#[tokio::test]
async fn given_an_expired_token_when_polled_then_the_collector_logs_in_again() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        provision_ups(&app, "ups-room", &["ups-a"]).await;
        let wp = FakeWinPower::start("s3cret", vec![ups("ups-a", 100.0)]).await;
        let mut c = collector(&app, vec![source("room-1", &wp.url, "s3cret")]).await;
        c.poll_due(app.clock.now()).await;
        app.clock.advance(Duration::seconds(30));
        c.poll_due(app.clock.now()).await;
        assert_eq!(wp.with(|s| (s.logins, s.refused)), (1, 0), "{}: the token is reused", db.backend);

        // The server ends the session early: the 401 makes the collector log in again at once.
        wp.with(|s| s.tokens.clear());
        app.clock.advance(Duration::seconds(30));
        c.poll_due(app.clock.now()).await;
        assert_eq!(wp.with(|s| (s.logins, s.refused)), (2, 1), "{}", db.backend);
        assert_eq!(sources(&app, "acme").await[0]["state"], "ok");

        // An hour later the token's documented lifetime is over: renewed before the list call.
        app.clock.advance(Duration::minutes(61));
        c.poll_due(app.clock.now()).await;
        assert_eq!(wp.with(|s| (s.logins, s.refused)), (3, 1), "{}: renewed without a 401", db.backend);
    }
}

#[tokio::test]
async fn given_a_source_that_does_not_answer_then_the_poll_times_out_and_backs_off() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let wp = FakeWinPower::start("s3cret", vec![ups("ups-a", 100.0)]).await;
        wp.with(|s| s.hang = true);
        let mut c = collector(&app, vec![source("slow", &wp.url, "s3cret")]).await;
        assert_eq!(c.poll_due(app.clock.now()).await, 1);
        let h = &sources(&app, "acme").await[0];
        assert_eq!(h["state"], "failing", "{}: {h}", db.backend);
        assert_eq!(h["last_error_code"], "collector_timeout");
        assert_eq!(h["error_count"], 1);
        let next = chrono::DateTime::parse_from_rfc3339(h["next_poll_at"].as_str().unwrap()).unwrap();
        assert_eq!(next.timestamp() - app.clock.now().timestamp(), 60, "first retry after 2 × interval");
    }
}

#[tokio::test]
async fn given_wrong_credentials_then_the_error_is_clear_the_source_backs_off_and_an_alarm_is_raised_then_cleared() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        provision_ups(&app, "ups-room", &["ups-a"]).await;
        let wp = FakeWinPower::start("s3cret", vec![ups("ups-a", 100.0)]).await;
        let mut c = collector(&app, vec![source("room-1", &wp.url, "s3cret")]).await;
        assert_eq!(c.poll_due(app.clock.now()).await, 1);
        app.pump().await;

        // The password is changed in WinPower (and the session ends): every login is refused.
        wp.with(|s| {
            s.password = "rotated".into();
            s.tokens.clear();
        });
        let mut delays = Vec::new();
        for _ in 0..4 {
            let due =
                chrono::DateTime::parse_from_rfc3339(sources(&app, "acme").await[0]["next_poll_at"].as_str().unwrap())
                    .unwrap()
                    .with_timezone(&chrono::Utc);
            app.clock.set(due - Duration::seconds(1));
            assert_eq!(c.poll_due(app.clock.now()).await, 0, "{}: not due yet", db.backend);
            app.clock.set(due);
            assert_eq!(c.poll_due(app.clock.now()).await, 1);
            let h = &sources(&app, "acme").await[0];
            let next = chrono::DateTime::parse_from_rfc3339(h["next_poll_at"].as_str().unwrap()).unwrap();
            delays.push(next.timestamp() - due.timestamp());
        }
        assert_eq!(delays, vec![60, 120, 120, 120], "{}: doubling from the interval, capped", db.backend);
        let h = &sources(&app, "acme").await[0];
        assert_eq!(h["state"], "failing");
        assert_eq!(h["last_error_code"], "collector_credentials_refused");
        let message = h["last_error"].as_str().unwrap();
        assert!(message.contains("login") && message.contains("admin"), "{message}");
        assert!(!message.contains("s3cret") && !message.contains("rotated"), "no password in the error: {message}");
        assert_eq!(h["error_count"], 4);

        app.pump().await;
        let admin = app.bearer("acme", Role::Admin);
        let open = crate::alarm_support::alarms(&app, &admin, "?status=active_unack").await;
        let mut named: Vec<&str> = open.iter().map(|a| a["message"].as_str().unwrap()).collect();
        named.sort();
        assert_eq!(named.len(), 2, "{}: one alarm for the source, one for its device: {open:?}", db.backend);
        assert!(named[0].contains("collector:room-1") && named[1].contains("ups-a"), "{named:?}");

        // The password is set right again: the next poll succeeds and the alarm clears.
        wp.with(|s| s.password = "s3cret".into());
        let due =
            chrono::DateTime::parse_from_rfc3339(sources(&app, "acme").await[0]["next_poll_at"].as_str().unwrap())
                .unwrap()
                .with_timezone(&chrono::Utc);
        app.clock.set(due);
        assert_eq!(c.poll_due(app.clock.now()).await, 1);
        assert_eq!(sources(&app, "acme").await[0]["state"], "ok");
        app.pump().await;
        assert!(crate::alarm_support::alarms(&app, &admin, "?status=active_unack").await.is_empty(), "{}", db.backend);
        let cleared = crate::alarm_support::alarms(&app, &admin, "?status=cleared_unack").await;
        assert_eq!(cleared.len(), 2, "{}: cleared by the system", db.backend);
        assert!(cleared.iter().all(|a| a["cleared_by"] == "system"), "{cleared:?}");
    }
}

#[tokio::test]
async fn given_a_source_refused_from_its_first_login_then_its_own_device_raises_an_alarm_cleared_on_recovery() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        // A UPS already holds the name the source "taken" would give its own device.
        provision_ups(&app, "ups-room", &["collector:taken"]).await;
        let wp = FakeWinPower::start("s3cret", vec![ups("ups-a", 100.0)]).await;
        let mut lost = source("lost", &wp.url, "wrong");
        lost.station = "nowhere".into();
        let all = vec![source("room-1", &wp.url, "wrong"), lost, source("taken", &wp.url, "wrong")];
        let mut c = collector(&app, all).await;
        assert_eq!(c.poll_due(app.clock.now()).await, 3);
        app.pump().await;

        let health = sources(&app, "acme").await;
        let (lost, room, taken) = (&health[0], &health[1], &health[2]);
        assert!(taken["alarm_device_error"].as_str().unwrap().contains("kind ups"), "{}: {taken}", db.backend);
        assert_eq!(room["last_error_code"], "collector_credentials_refused", "{}: {room}", db.backend);
        assert_eq!(room["devices"], serde_json::json!([]), "never listed a device");
        assert_eq!(room["alarm_device"], "collector:room-1");
        assert!(lost["alarm_device"].is_null(), "{lost}");
        assert!(lost["alarm_device_error"].as_str().unwrap().contains("'nowhere'"), "{lost}");

        let admin = app.bearer("acme", Role::Admin);
        let (_, devices) = app.call(Method::GET, "/api/v1/devices?kind=gateway", Some(&admin), None).await;
        assert_eq!(devices["items"].as_array().unwrap().len(), 1, "{}: {devices}", db.backend);
        assert_eq!(devices["items"][0]["name"], "collector:room-1");
        assert_eq!(devices["items"][0]["protocol"], "collector");
        let open = crate::alarm_support::alarms(&app, &admin, "?status=active_unack").await;
        assert_eq!(open.len(), 1, "{}: the source's own alarm: {open:?}", db.backend);
        let message = open[0]["message"].as_str().unwrap();
        assert!(message.contains("Collector source failing") && message.contains("collector:room-1"), "{message}");
        let beta = app.bearer("beta", Role::Admin);
        assert!(crate::alarm_support::alarms(&app, &beta, "").await.is_empty(), "another tenant sees none");

        // Still refused at the retry (after 2 × interval): the alarm stays one alarm.
        app.clock.advance(Duration::seconds(59));
        assert_eq!(c.poll_due(app.clock.now()).await, 0, "{}: backing off", db.backend);
        app.clock.advance(Duration::seconds(1));
        assert_eq!(c.poll_due(app.clock.now()).await, 3);
        app.pump().await;
        assert_eq!(crate::alarm_support::alarms(&app, &admin, "?status=active_unack").await.len(), 1);

        // The password is set right: the next poll succeeds and the alarm clears.
        wp.with(|s| s.password = "wrong".into());
        app.clock.advance(Duration::seconds(120));
        c.poll_due(app.clock.now()).await;
        assert_eq!(sources(&app, "acme").await[1]["state"], "ok", "{}", db.backend);
        app.pump().await;
        assert!(crate::alarm_support::alarms(&app, &admin, "?status=active_unack").await.is_empty(), "{}", db.backend);
        let cleared = crate::alarm_support::alarms(&app, &admin, "?status=cleared_unack").await;
        assert_eq!(cleared.len(), 1, "{}: {cleared:?}", db.backend);
        assert_eq!(cleared[0]["cleared_by"], "system");
    }
}

#[tokio::test]
async fn given_power_polled_over_time_then_energy_counters_grow_and_continue_after_a_restart() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let code = format!("energy-{}", db.backend);
        provision_ups(&app, &code, &["ups-e"]).await;
        let wp = FakeWinPower::start("s3cret", vec![ups("ups-e", 3600.0)]).await;
        let mut c = collector(&app, vec![source("room-e", &wp.url, "s3cret")]).await;
        for _ in 0..3 {
            c.poll_due(app.clock.now()).await;
            app.clock.advance(Duration::seconds(30));
        }
        // Three samples of 3600 W, 30 s apart: 60 s at 1 Wh/s.
        let labels = ["tenant=\"acme\"", &format!("station=\"{code}\""), "device=\"ups-e\""];
        let import =
            |text: &str| series(text, "mgc_device_energy_wh_total", &[&labels[..], &["direction=\"import\""]].concat());
        let text = metrics_text(&app).await;
        assert_eq!(import(&text), Some(60.0), "{}: {text}", db.backend);
        assert_eq!(
            series(&text, "mgc_device_energy_wh_total", &[&labels[..], &["direction=\"export\""]].concat()),
            Some(0.0)
        );
        assert_eq!(series(&text, "mgc_device_power_w", &labels), Some(3600.0));
        assert_eq!(series(&text, "mgc_collector_source_up", &["source=\"room-e\""]), Some(1.0));

        // A new process: the counters come back from the database and continue from there.
        drop(c);
        let mut again = collector(&app, vec![source("room-e", &wp.url, "s3cret")]).await;
        assert_eq!(import(&metrics_text(&app).await), Some(60.0), "{}: restored", db.backend);
        again.poll_due(app.clock.now()).await;
        assert_eq!(import(&metrics_text(&app).await), Some(90.0), "{}: continued", db.backend);
    }
}

#[tokio::test]
async fn given_a_disabled_tenant_when_its_source_is_polled_then_nothing_is_recorded() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let provisioned = provision_ups(&app, "ups-room", &["ups-a"]).await;
        let station = provisioned["station"]["id"].as_str().unwrap().to_owned();
        let device = provisioned["devices"][0]["id"].as_str().unwrap().to_owned();
        let mut tx = mgc_eventing::OutboxStore::begin(&app.store).await.unwrap();
        let disabled_at = Some(app.clock.now());
        assert!(tx.set_tenant_disabled(&crate::support::tenant("acme"), disabled_at).await.unwrap());
        mgc_eventing::UnitOfWork::commit(tx).await.unwrap();
        let wp = FakeWinPower::start("s3cret", vec![ups("ups-a", 100.0)]).await;
        let mut c = collector(&app, vec![source("room-1", &wp.url, "s3cret")]).await;
        assert_eq!(c.poll_due(app.clock.now()).await, 1);
        let health = app.collector.of_tenant(&crate::support::tenant("acme"));
        assert_eq!(health[0].last_error_code, Some("collector_storage_error"), "{}", db.backend);
        assert!(health[0].last_error.as_deref().unwrap_or_default().contains("disabled"), "{health:?}");
        let station: mgc_kernel::StationId = station.parse().unwrap();
        let stored = mgc_telemetry::domain::repository::TelemetryQueries::latest_for_station(
            &app.store,
            &crate::support::tenant("acme"),
            station,
        )
        .await
        .unwrap();
        assert!(stored.iter().all(|p| p.device_id.to_string() != device), "{}: nothing recorded", db.backend);
    }
}
