//! Charging and notification alarms on the one alarm engine, through the real router, OCPP
//! frames and the outbox, on both backends: each kind is an ordinary rule created by
//! `POST /api/v1/alarm-rules` over a derived point — a pile offline for N+1 minutes, a faulted
//! port, 3 of 4 sessions failing, a dead receiver's piling deliveries — raised and cleared, and
//! told to channels and subscriptions like any alarm.

use crate::alarm_support::{alarms, rule, webhook_channel, Receiver};
use crate::charging_store::cp;
use crate::charging_telemetry::charger_station;
use crate::subscriptions_support::SUB_SECRET;
use crate::support::{tenant, TestApp};
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use mgc_adapter_ocpp::csms::{answer, Caller};
use mgc_charging::{put_id_tag, AuthorizationStatus, ChargingSettings, ChargingUnits, IdTag, IdToken};
use mgc_iam::Role;
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::{json, Value};

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Sends one CALL of charger CP9 at the app's clock; asserts a CALLRESULT and returns its payload.
async fn call(app: &TestApp, action: &str, payload: Value) -> Value {
    let caller = Caller { tenant: tenant("acme"), identity: cp("CP9") };
    let settings = ChargingSettings { accept_unknown: true, ..Default::default() };
    let text = json!([2, "m1", action, payload]).to_string();
    let reply = answer(&app.store, &settings, &caller, &text, app.clock.now()).await.unwrap();
    let reply: Value = serde_json::from_str(&reply).unwrap();
    assert_eq!(reply[0], 3, "{action}: {reply}");
    reply[2].clone()
}

/// Station `ev-1` with the ocpp16 charger CP9, booted (so linked and online) with tag TAG1 accepted;
/// the outbox pumped. Returns the admin token.
async fn online_charger(app: &TestApp) -> String {
    let admin = app.bearer("acme", Role::Admin);
    charger_station(app, &admin).await;
    let tag = IdTag {
        token: IdToken::parse("TAG1").unwrap(),
        status: AuthorizationStatus::Accepted,
        expires_at: None,
        parent: None,
    };
    put_id_tag(app.store.begin().await.unwrap(), &tenant("acme"), tag).await.unwrap();
    call(app, "BootNotification", json!({"chargePointVendor": "VendorX", "chargePointModel": "Wallbox"})).await;
    app.pump().await;
    admin
}

fn status(connector: u32, status: &str, error: &str) -> Value {
    json!({"connectorId": connector, "errorCode": error, "status": status, "vendorErrorCode": "E17"})
}

/// One session on connector 1 started by `tag` and stopped 10 minutes later; the outbox pumped.
async fn session(app: &TestApp, tag: &str) {
    let start = json!({"connectorId": 1, "idTag": tag, "meterStart": 1000, "timestamp": ts(app.clock.now())});
    let transaction = call(app, "StartTransaction", start).await["transactionId"].clone();
    app.clock.advance(Duration::minutes(10));
    let stop =
        json!({"transactionId": transaction, "meterStop": 2000, "timestamp": ts(app.clock.now()), "reason": "Local"});
    call(app, "StopTransaction", stop).await;
    app.pump().await;
}

async fn tick(app: &TestApp) -> mgc_alarms::TickReport {
    mgc_alarms::run_tick(&app.store, app.clock.now()).await.unwrap()
}

#[tokio::test]
async fn given_an_offline_rule_of_10_minutes_when_a_pile_is_disconnected_11_minutes_then_alarm_open_and_reconnect_clears_it(
) {
    for db in all_databases().await {
        let b = db.backend;
        let app = TestApp::new(&db).await;
        let admin = online_charger(&app).await;
        let hook = Receiver::start().await;
        let (channel, _) = webhook_channel(&app, &admin, &hook.url).await;
        let created = rule(
            &app,
            &admin,
            json!({"name": "Pile offline", "scope": {"device_kind": "charger"},
            "severity": "major", "duration_secs": 600, "condition": {"point": "online", "op": "<", "value": 1},
            "message": "{device} offline for {duration} ({detail})", "channels": [channel]}),
        )
        .await;
        let (s, shown) = app
            .call(Method::GET, &format!("/api/v1/alarm-rules/{}", created["id"].as_str().unwrap()), Some(&admin), None)
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {shown}");
        let trigger = &shown["spec"]["trigger"];
        let point = trigger["levels"][0]["condition"]["compare"]["point"].as_str();
        assert_eq!((point, trigger["duration_secs"].as_u64()), (Some("online"), Some(600)), "{b}: {shown}");

        let tx = app.store.begin_charging_tx().await.unwrap();
        assert!(mgc_charging::disconnected(tx, &tenant("acme"), &cp("CP9"), app.clock.now()).await.unwrap());
        app.pump().await;
        app.clock.advance(Duration::minutes(5));
        assert_eq!(tick(&app).await.raised, 0, "{b}: 5 minutes is not 10");
        app.clock.advance(Duration::minutes(6));
        assert_eq!(tick(&app).await.raised, 1, "{b}: offline 11 minutes");
        let open = alarms(&app, &admin, "?status=active").await;
        assert_eq!(open.len(), 1, "{b}: {open:?}");
        assert_eq!(open[0]["message"], "CP9 offline for 11m 0s (connection closed)", "{b}");
        assert_eq!(tick(&app).await.raised, 0, "{b}: raised once");

        call(&app, "Heartbeat", json!({})).await;
        app.run_until_quiet().await;
        assert!(alarms(&app, &admin, "?status=active").await.is_empty(), "{b}: the reconnect cleared it");
        assert_eq!(alarms(&app, &admin, "?status=cleared").await.len(), 1, "{b}");
        let told: Vec<String> =
            hook.accepted().iter().map(|r| r.json()["event"].as_str().unwrap_or_default().to_owned()).collect();
        assert_eq!(told, ["alarm.raised", "alarm.cleared"], "{b}: told to the rule's channel");
    }
}

#[tokio::test]
async fn given_a_port_fault_rule_when_a_connector_reports_faulted_then_an_alarm_names_pile_port_and_error_code() {
    for db in all_databases().await {
        let b = db.backend;
        let app = TestApp::new(&db).await;
        let admin = online_charger(&app).await;
        let hook = Receiver::start().await;
        let body = json!({"url": hook.url, "secret": SUB_SECRET, "event_types": ["alarm.*"]});
        let (s, sub) = app.call(Method::POST, "/api/v1/subscriptions", Some(&admin), Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{sub}");
        rule(
            &app,
            &admin,
            json!({"name": "Port 2 fault", "scope": {"device_kind": "charger"}, "severity": "critical",
            "condition": {"point": "connector_2_fault", "op": "==", "value": 1},
            "message": "{device} port 2 faulted: {detail}"}),
        )
        .await;

        call(&app, "StatusNotification", status(1, "Faulted", "OtherError")).await;
        app.pump().await;
        assert!(alarms(&app, &admin, "").await.is_empty(), "{b}: port 1 is not the rule's port");
        call(&app, "StatusNotification", status(2, "Faulted", "GroundFailure")).await;
        app.pump().await;
        let open = alarms(&app, &admin, "?status=active").await;
        assert_eq!(open.len(), 1, "{b}: {open:?}");
        assert_eq!(open[0]["message"], "CP9 port 2 faulted: ground_failure (vendor E17)", "{b}");
        assert_eq!(open[0]["point"], "connector_2_fault", "{b}");

        call(&app, "StatusNotification", status(2, "Available", "NoError")).await;
        app.pump().await;
        assert!(alarms(&app, &admin, "?status=active").await.is_empty(), "{b}: left Faulted → cleared");
        app.run_until_quiet().await;
        let told: Vec<String> =
            hook.accepted().iter().map(|r| r.json()["event"].as_str().unwrap_or_default().to_owned()).collect();
        assert_eq!(told, ["alarm.raised", "alarm.cleared"], "{b}: the subscription heard of both");
    }
}

#[tokio::test]
async fn given_one_ports_faulted_rule_when_ports_fault_one_after_the_other_then_one_alarm_open_until_the_last_recovers()
{
    for db in all_databases().await {
        let b = db.backend;
        let app = TestApp::new(&db).await;
        let admin = online_charger(&app).await;
        rule(
            &app,
            &admin,
            json!({"name": "Any port faulted", "scope": {"device_kind": "charger"}, "severity": "major",
            "condition": {"point": "ports_faulted", "op": ">=", "value": 1}, "message": "{device}: {detail}"}),
        )
        .await;
        let step = |connector: u32, to: &'static str| {
            let app = &app;
            async move {
                app.clock.advance(Duration::seconds(10));
                call(app, "StatusNotification", status(connector, to, "GroundFailure")).await;
                app.pump().await;
            }
        };
        step(0, "Faulted").await;
        assert!(alarms(&app, &admin, "").await.is_empty(), "{b}: connector 0 is the pile, not a port");
        step(1, "Faulted").await;
        let open = alarms(&app, &admin, "?status=active").await;
        assert_eq!(open.len(), 1, "{b}: {open:?}");
        assert_eq!(open[0]["message"], "CP9: port 1 faulted", "{b}");
        step(2, "Faulted").await;
        step(1, "Available").await;
        let open = alarms(&app, &admin, "?status=active").await;
        assert_eq!(open.len(), 1, "{b}: one alarm for the pile while any port is faulted: {open:?}");
        step(2, "Available").await;
        assert!(alarms(&app, &admin, "?status=active").await.is_empty(), "{b}: the last port recovered → cleared");
        let all = alarms(&app, &admin, "").await;
        assert_eq!(all.len(), 1, "{b}: never a second alarm: {all:?}");
    }
}

#[tokio::test]
async fn given_an_error_rate_rule_when_3_of_the_last_4_sessions_fail_then_an_error_rate_alarm_is_raised() {
    for db in all_databases().await {
        let b = db.backend;
        let app = TestApp::new(&db).await;
        let admin = online_charger(&app).await;
        rule(
            &app,
            &admin,
            json!({"name": "Sessions failing", "scope": {"device_kind": "charger"}, "severity": "major",
            "hysteresis": 10, "condition": {"point": "session_error_rate_pct_last_4", "op": ">=", "value": 70},
            "message": "{device}: {value} % of sessions failed ({detail})"}),
        )
        .await;

        // Sessions take 10 minutes each: a fresh token for each look.
        let active = || async { alarms(&app, &app.bearer("acme", Role::Admin), "?status=active").await };
        session(&app, "TAG1").await;
        for n in 1..=3 {
            assert!(active().await.is_empty(), "{b}: {n} sessions in, not over 70 % yet");
            session(&app, "UNKNOWN").await;
        }
        let open = active().await;
        assert_eq!(open.len(), 1, "{b}: {open:?}");
        assert_eq!(open[0]["message"], "CP9: 75 % of sessions failed (3 of the last 4 sessions failed)", "{b}");
        session(&app, "TAG1").await;
        assert_eq!(active().await.len(), 1, "{b}: 75 % still (hysteresis)");
        session(&app, "TAG1").await;
        assert!(active().await.is_empty(), "{b}: 50 % clears it");
    }
}

#[tokio::test]
async fn given_a_backlog_rule_when_a_dead_receiver_piles_deliveries_then_the_tenant_alarm_is_raised_and_cleared_once_drained(
) {
    for db in all_databases().await {
        let b = db.backend;
        let app = TestApp::new(&db).await;
        let admin = online_charger(&app).await;
        let hook = Receiver::start().await;
        hook.answer(Some(500));
        let body = json!({"url": hook.url, "secret": SUB_SECRET, "event_types": ["port.status_changed"]});
        let (s, sub) = app.call(Method::POST, "/api/v1/subscriptions", Some(&admin), Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{sub}");
        rule(
            &app,
            &admin,
            json!({"name": "Notification backlog", "severity": "warning",
            "condition": {"point": "notify_backlog", "op": ">", "value": 3},
            "message": "{device}: {value} deliveries waiting"}),
        )
        .await;
        assert_eq!(app.run_until_quiet().await.alarm_changes, 0, "{b}: nothing waits yet");

        for (i, state) in ["Preparing", "Available", "Preparing", "Available", "Preparing"].iter().enumerate() {
            call(&app, "StatusNotification", status(1, state, "NoError")).await;
            app.clock.advance(Duration::seconds(1 + i as i64));
        }
        app.run_until_quiet().await;
        let open = alarms(&app, &admin, "?status=active").await;
        assert_eq!(open.len(), 1, "{b}: {open:?}");
        assert_eq!(open[0]["point"], "notify_backlog", "{b}");
        assert!(open[0]["message"].as_str().unwrap().starts_with("tenant acme: "), "{b}: {}", open[0]["message"]);
        let beta = app.bearer("beta", Role::Admin);
        assert!(alarms(&app, &beta, "").await.is_empty(), "{b}: another tenant sees nothing");

        hook.answer(None);
        for _ in 0..6 {
            app.advance_until_quiet(Duration::minutes(2)).await;
        }
        assert!(alarms(&app, &admin, "?status=active").await.is_empty(), "{b}: drained → cleared");
        assert!(!hook.accepted().is_empty(), "{b}: the receiver got its notices in the end");
    }
}
