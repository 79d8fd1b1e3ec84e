//! ThingsBoard integrations and signed telemetry posts, as a rule chain sends them.

use crate::app::TestApp;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use mgc_iam::sign_post;
use mgc_kernel::Clock;
use serde_json::{json, Value};

/// Path of the ThingsBoard telemetry endpoint.
pub const TELEMETRY: &str = "/ingest/thingsboard/telemetry";

/// A ThingsBoard integration's id and secret (the secret signs every post).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integration {
    /// Id (`X-Integration-Id`).
    pub id: String,
    /// HMAC secret, shown once at creation.
    pub secret: String,
}

impl TestApp {
    /// Creates a ThingsBoard integration named `tb-prod` with `admin`, asserting 201.
    /// `allow_static` lets it also authenticate with the static secret header.
    pub async fn integration(&self, admin: &str, allow_static: bool) -> Integration {
        let body = json!({"name": "tb-prod", "allow_static": allow_static});
        let (status, b) = self.call(Method::POST, "/api/v1/integrations", Some(admin), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "creating an integration: {b}");
        Integration { id: b["id"].as_str().unwrap().into(), secret: b["secret"].as_str().unwrap().into() }
    }

    /// Posts `body` (any shape: an array of `{device, ts, values}`, a flat object with
    /// `extra` device headers, ...) to the telemetry endpoint, signed (v2) with the
    /// integration's secret at the app clock; returns the status and answer.
    pub async fn post_signed(&self, ing: &Integration, body: &str, extra: &[(&str, &str)]) -> (StatusCode, Value) {
        let ts = self.clock.now().timestamp().to_string();
        let sig = sign_post(ing.secret.as_bytes(), TELEMETRY, &ts, extra, body.as_bytes());
        let auth = [("x-integration-id", ing.id.as_str()), ("x-timestamp", ts.as_str()), ("x-signature", sig.as_str())];
        self.post_with(body, &auth, extra).await
    }

    /// Posts `body` to the telemetry endpoint with exactly these headers (no signing).
    pub async fn post_with(&self, body: &str, auth: &[(&str, &str)], extra: &[(&str, &str)]) -> (StatusCode, Value) {
        let mut req = Request::post(TELEMETRY).header("content-type", "application/json");
        for (k, v) in auth.iter().chain(extra) {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::from(body.to_owned())).unwrap()).await
    }

    /// Posts signed telemetry and asserts it was accepted (200); returns the answer.
    pub async fn post_telemetry(&self, ing: &Integration, body: &Value) -> Value {
        let (status, answer) = self.post_signed(ing, &body.to_string(), &[]).await;
        assert_eq!(status, StatusCode::OK, "telemetry refused: {answer}");
        answer
    }

    /// Posts one reading per entry of `readings` (UTC instant, value) of `key` of `device`, in
    /// signed batches of at most 500 rows, asserting each is accepted.
    pub async fn post_series(
        &self,
        ing: &Integration,
        device: &str,
        key: &str,
        readings: &[(chrono::DateTime<chrono::Utc>, f64)],
    ) {
        for chunk in readings.chunks(500) {
            let rows: Vec<Value> = chunk
                .iter()
                .map(|(ts, v)| json!({"device": device, "ts": ts.timestamp_millis(), "values": {key: v}}))
                .collect();
            self.post_telemetry(ing, &Value::Array(rows)).await;
        }
    }
}
