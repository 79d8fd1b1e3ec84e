//! SSE: `GET /api/v1/alarms/stream` is tenant-scoped and resumes from `Last-Event-ID` with
//! exactly the missed events, then continues live.

use crate::alarm_support::*;
use crate::ingest_support::{integration, post_signed, provision, provisioned, station_body};
use crate::support::TestApp;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use futures_util::StreamExt;
use mgc_iam::Role;
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::{json, Value};
use std::time::Duration;
use tower::ServiceExt;

/// An open event stream and its unparsed text.
struct Events {
    body: axum::body::BodyDataStream,
    buf: String,
}

impl Events {
    async fn open(app: &TestApp, token: &str, last_event_id: Option<i64>) -> Self {
        let mut req = Request::get("/api/v1/alarms/stream").header("authorization", token);
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id.to_string());
        }
        let resp = app.router.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()["content-type"], "text/event-stream");
        Self { body: resp.into_body().into_data_stream(), buf: String::new() }
    }

    /// The next `alarm` event: (id, data). Fails the test after 10 s without one.
    async fn next(&mut self) -> (i64, Value) {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let frame: String = self.buf.drain(..end + 2).collect();
                let field = |name: &str| frame.lines().find_map(|l| l.strip_prefix(name)).map(str::to_owned);
                if field("event: ").as_deref() == Some("alarm") {
                    let id = field("id: ").unwrap().parse().unwrap();
                    return (id, serde_json::from_str(&field("data: ").unwrap()).unwrap());
                }
                continue;
            }
            let chunk =
                tokio::time::timeout(Duration::from_secs(10), self.body.next()).await.expect("no event within 10 s");
            self.buf.push_str(std::str::from_utf8(&chunk.unwrap().unwrap()).unwrap());
        }
    }
}

async fn history(app: &TestApp, token: &str, alarm: &str) -> Vec<Value> {
    let (_, b) = app.call(Method::GET, &format!("/api/v1/alarms/{alarm}"), Some(token), None).await;
    b["history"].as_array().unwrap().clone()
}

#[tokio::test]
async fn stream_is_tenant_scoped_and_resumes_exactly_after_last_event_id() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let mut body = power_rule(&uuid::Uuid::nil().to_string());
        body["channels"] = json!([]);
        rule(&app, &admin, body.clone()).await;
        let d = dispatcher(&app);
        post_power(&app, &ing, 90.0).await;
        dispatch_all(&d).await;
        let alarm = alarms(&app, &admin, "").await[0]["id"].as_str().unwrap().to_owned();
        for action in ["ack", "clear"] {
            let (s, _) = app.call(Method::POST, &format!("/api/v1/alarms/{alarm}/{action}"), Some(&admin), None).await;
            assert_eq!(s, StatusCode::OK);
        }
        let seqs: Vec<i64> = history(&app, &admin, &alarm).await.iter().map(|h| h["seq"].as_i64().unwrap()).collect();
        assert_eq!(seqs.len(), 3);

        // Tenant B has its own station, rule and alarm; its stream from the start shows only that.
        let other = app.bearer("globex", Role::Admin);
        let mut other_body = station_body();
        // ThingsBoard device ids are unique across tenants.
        other_body["devices"][1]["tb_device_id"] = serde_json::Value::Null;
        provision(&app, &other, other_body).await;
        let other_ing = integration(&app, &other, false).await;
        rule(&app, &other, body).await;
        let t = app.clock.now().timestamp_millis();
        let post = json!([{"device": "meter-1", "ts": t, "values": {"P": 99}}]).to_string();
        assert_eq!(post_signed(&app, &other_ing, &post, &[]).await.0, StatusCode::OK);
        dispatch_all(&d).await;
        let other_alarm = alarms(&app, &other, "").await[0]["id"].clone();
        let mut b_events = Events::open(&app, &other, Some(0)).await;
        let (_, first) = b_events.next().await;
        assert_eq!(first["alarm_id"], other_alarm, "{}: tenant B sees only its own alarm", db.backend);

        // A client of tenant A that saw the first entry resumes with exactly the two it missed, then live ones.
        let mut a_events = Events::open(&app, &admin, Some(seqs[0])).await;
        let got: Vec<(i64, String)> = vec![a_events.next().await, a_events.next().await]
            .into_iter()
            .map(|(id, v)| (id, v["action"].as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(got, vec![(seqs[1], "acknowledged".to_owned()), (seqs[2], "cleared".to_owned())], "{}", db.backend);
        let (s, _) = app
            .call(
                Method::POST,
                &format!("/api/v1/alarms/{alarm}/assign"),
                Some(&admin),
                Some(json!({"assignee": "kim"})),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (live_id, live) = a_events.next().await;
        assert!(live_id > seqs[2]);
        assert_eq!((live["action"].as_str(), live["comment"].as_str()), (Some("assigned"), Some("assigned to kim")));
    }
}

#[tokio::test]
async fn stream_rejects_a_bad_last_event_id_and_missing_credentials() {
    let app = TestApp::sqlite().await;
    let token = app.bearer("acme", Role::Viewer);
    let req = Request::get("/api/v1/alarms/stream").header("authorization", &token).header("last-event-id", "abc");
    let (s, b) = app.send(req.body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    crate::support::assert_error(&b, "invalid_header");
    let (s, _) = app.call(Method::GET, "/api/v1/alarms/stream", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}
