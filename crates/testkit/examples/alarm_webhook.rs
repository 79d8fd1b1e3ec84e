//! Assert an alarm fires and its webhook is signed: a rule "meter power above 80 kW" notifies a
//! webhook channel; a 95 kW reading goes in through the signed ThingsBoard endpoint; after the
//! dispatcher and the notification worker ran (deterministically, on the manual clock) the alarm
//! is open with the reading, and the receiver got one `alarm.raised` webhook whose
//! `X-Mgc-Signature` verifies with the channel's secret. A reading back under the threshold
//! clears it, with a second signed webhook. The readings also show up in the hour statistics.
//!
//! Run it: `cargo run -p mgc-testkit --example alarm_webhook` (it is also a test:
//! `cargo test -p mgc-testkit --example alarm_webhook`). SQLite always; PostgreSQL too when
//! available (`MGC_REQUIRE_POSTGRES=1` makes its absence a failure).

// A failed unwrap is a failed check, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Duration;
use mgc_alarms::Severity;
use mgc_iam::Role;
use mgc_testkit::{all_databases, StationBuilder, TestApp, TestDatabase, WebhookReceiver};
use serde_json::json;

async fn alarm_and_signed_webhook(db: &TestDatabase) {
    let app = TestApp::new(db).await;
    let admin = app.bearer("acme", Role::Admin);
    let station = app
        .provision(
            &admin,
            &StationBuilder::new("sz-01", "Asia/Shanghai").device("meter-1", "meter").mapping(
                "P",
                "active_power_w",
                1000.0,
            ),
        )
        .await;
    let tb = app.integration(&admin, false).await;

    let hook = WebhookReceiver::start().await;
    let (channel, secret) = app.webhook_channel(&admin, &hook.url).await;
    let rule = json!({
        "name": "meter overload", "scope": {"device_kind": "meter"}, "severity": "major",
        "condition": {"point": "active_power_w", "op": ">", "value": 80000},
        "message": "{device}: {value} W ({threshold})", "channels": [channel]
    });
    app.alarm_rule(&admin, rule).await;

    // 95 kW now: the telemetry consumer raises the alarm, the worker sends the webhook.
    let reading = |kw: f64| json!([{"device": "meter-1", "ts": app.now().timestamp_millis(), "values": {"P": kw}}]);
    app.post_telemetry(&tb, &reading(95.0)).await;
    let quiet = app.run_until_quiet().await;
    assert_eq!(quiet.notifications, 1, "{}: {quiet:?}", db.backend);

    let open = app.alarms(&admin, "?status=active_unack").await;
    assert_eq!(open.len(), 1, "{}", db.backend);
    let alarm = &open[0].alarm;
    assert_eq!(
        (alarm.severity, alarm.last_value, alarm.device_id.to_string()),
        (Severity::Major, Some(95_000.0), station.device("meter-1").to_owned())
    );
    assert_eq!(alarm.message, "meter-1: 95000 W (> 80000)");

    let sent = hook.accepted();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].json()["event"], "alarm.raised");
    assert_eq!(sent[0].json()["data"]["alarm"]["id"], alarm.id.to_string());
    assert!(sent[0].signature_valid(&secret), "the signature verifies with the channel secret");
    assert!(!sent[0].signature_valid("not-the-channel-secret"), "and with nothing else");
    // What a receiver in another language does: HMAC-SHA256 over "timestamp.body".
    let (ts, sig) = (sent[0].header("x-mgc-timestamp"), sent[0].header("x-mgc-signature"));
    assert_eq!(sig, mgc_notify::webhook_signature(&secret, &ts, &sent[0].body));

    // Two minutes later the meter is back to 40 kW: cleared by the rule, notified again.
    app.advance(Duration::minutes(2));
    app.post_telemetry(&tb, &reading(40.0)).await;
    app.run_until_quiet().await;
    let cleared = app.alarms(&admin, "?status=cleared_unack").await;
    assert_eq!((cleared.len(), cleared[0].alarm.cleared_by.as_deref()), (1, Some("system")));
    let sent = hook.accepted();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].json()["event"], "alarm.cleared");
    assert!(sent[1].signature_valid(&secret));

    // Past the hour and its grace period, the hour closes: 95 kW for two minutes, ramping to 40 kW, is in the statistics.
    app.advance_until_quiet(Duration::minutes(70)).await;
    let t0 = mgc_testkit::t0();
    let viewer = app.bearer("acme", Role::Viewer); // tokens live an hour on the app clock
    let hours = app.stats(&viewer, &station.id, "hour", t0, t0 + Duration::hours(1)).await;
    assert_eq!(hours.len(), 1, "{hours:?}");
    // Trapezoid over the two readings two minutes apart: (95 + 40) / 2 kW × 2 min = 2250 Wh.
    assert_eq!(hours[0].energy.grid_import_wh, 2250, "{:?}", hours[0]);
}

/// What the example checks, on every available database.
async fn check() {
    for db in all_databases().await {
        alarm_and_signed_webhook(&db).await;
        println!("{}: alarm raised and cleared, both webhooks signed", db.backend);
    }
}

#[tokio::main]
async fn main() {
    check().await;
}

#[tokio::test]
async fn an_alarm_fires_and_its_webhook_is_signed() {
    check().await;
}
