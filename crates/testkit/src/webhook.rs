//! A webhook receiver: a real local HTTP server recording every POST (headers and raw body),
//! answering with a status the test controls; and the check of its `X-Mgc-Signature`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    /// Request headers (plus `x-test-accepted: yes|no`, how the receiver answered).
    pub headers: HeaderMap,
    /// The raw body, exactly as signed.
    pub body: Bytes,
}

impl Received {
    /// The body as JSON (panics when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    /// A header's value (empty when absent).
    pub fn header(&self, name: &str) -> String {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    }

    /// Whether `X-Mgc-Signature` is the HMAC of `X-Mgc-Timestamp` and the body under `secret`
    /// (the channel's secret), checked with `mgc_notify::verify_webhook_signature`.
    pub fn signature_valid(&self, secret: &str) -> bool {
        mgc_notify::verify_webhook_signature(
            secret,
            &self.header("x-mgc-timestamp"),
            &self.body,
            &self.header("x-mgc-signature"),
        )
    }
}

#[derive(Default)]
struct ReceiverState {
    /// Status to answer; 200 when `None`.
    status: Option<u16>,
    /// Everything received, including failed attempts.
    all: Vec<Received>,
    /// Woken on every request received.
    arrived: Arc<tokio::sync::Notify>,
}

/// A local HTTP server on 127.0.0.1 recording every `POST /hook`; stops with the runtime.
#[derive(Clone)]
pub struct WebhookReceiver {
    state: Arc<Mutex<ReceiverState>>,
    /// The URL to configure as a webhook channel's `url`.
    pub url: String,
}

fn lock(state: &Mutex<ReceiverState>) -> MutexGuard<'_, ReceiverState> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

impl WebhookReceiver {
    /// Starts the receiver on a free port.
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(ReceiverState::default()));
        let app = axum::Router::new().route("/hook", post(receive)).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { state, url }
    }

    /// Answers `status` from now on (`None` = 200).
    pub fn answer(&self, status: Option<u16>) {
        lock(&self.state).status = status;
    }

    /// Every request received so far.
    pub fn all(&self) -> Vec<Received> {
        lock(&self.state).all.clone()
    }

    /// Requests answered with success.
    pub fn accepted(&self) -> Vec<Received> {
        self.all().into_iter().filter(|r| r.header("x-test-accepted") == "yes").collect()
    }

    /// Waits until at least `n` requests were accepted or `max` passed (woken by each arrival,
    /// not polling); returns the accepted requests either way.
    pub async fn wait_accepted(&self, n: usize, max: std::time::Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + max;
        let arrived = lock(&self.state).arrived.clone();
        loop {
            let next = arrived.notified();
            tokio::pin!(next);
            next.as_mut().enable();
            let got = self.accepted();
            if got.len() >= n || tokio::time::timeout_at(deadline, next).await.is_err() {
                return self.accepted();
            }
        }
    }
}

async fn receive(State(state): State<Arc<Mutex<ReceiverState>>>, mut headers: HeaderMap, body: Bytes) -> StatusCode {
    let mut s = lock(&state);
    let status = StatusCode::from_u16(s.status.unwrap_or(200)).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let accepted = if status.is_success() { "yes" } else { "no" };
    headers.insert("x-test-accepted", axum::http::HeaderValue::from_static(accepted));
    s.all.push(Received { headers, body });
    s.arrived.notify_waiters();
    status
}
