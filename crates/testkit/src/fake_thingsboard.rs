//! A fake ThingsBoard on 127.0.0.1:0: login and token refresh issuing JWT-shaped tokens with an
//! `exp` the test controls, `POST /api/rpc/{oneway|twoway}/{deviceId}` answering from a
//! per-device script, and `GET /api/rpc/persistent/{rpcId}` answering the RPC JSON the test
//! set (404 for others). Every request is recorded with its headers, body and when it arrived
//! and was answered; RPC answers can be held back by a fixed delay (a slow device).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Username the fake accepts.
pub const USERNAME: &str = "tenant@thingsboard.org";
/// Password the fake accepts.
pub const PASSWORD: &str = "tenant-secret";

/// One scripted answer to an RPC call.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// 200 with this JSON body (the device's reply).
    Json(Value),
    /// 200 without a body.
    Empty,
    /// 200 `{"rpcId": ...}` (persistent RPC accepted).
    RpcId(String),
    /// Any status with a text body (406, 504, 400, 413, 500, ...).
    Status(u16, String),
    /// 401 even with a valid token (the client must log in again).
    Unauthorized,
}

/// A recorded request.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// Path, e.g. `/api/rpc/twoway/<id>`.
    pub path: String,
    /// Lower-case header names and their values.
    pub headers: HashMap<String, String>,
    /// The JSON body (Null when none).
    pub body: Value,
    /// When the fake started handling it.
    pub received_at: Instant,
    /// When the fake finished it (its answer handed to the HTTP server).
    pub answered_at: Instant,
}

#[derive(Debug, Default)]
struct FakeState {
    scripts: HashMap<String, VecDeque<Answer>>,
    requests: Vec<Recorded>,
    valid_tokens: HashSet<String>,
    valid_refresh: HashSet<String>,
    token_exp: i64,
    issued: u64,
    persistent: HashMap<String, Value>,
    reply_delay: Duration,
}

/// The running fake; stops when dropped.
pub struct FakeThingsBoard {
    /// Base URL (`http://127.0.0.1:<port>`).
    pub url: String,
    state: Arc<Mutex<FakeState>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeThingsBoard {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock(state: &Arc<Mutex<FakeState>>) -> MutexGuard<'_, FakeState> {
    state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A JWT-shaped token with `exp` (not signed: the client only reads it).
pub fn token_with_exp(n: u64, exp: i64) -> String {
    let enc = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let payload = json!({"sub": USERNAME, "scopes": ["TENANT_ADMIN"], "n": n, "exp": exp});
    format!("{}.{}.fake-signature", enc.encode(r#"{"alg":"HS512"}"#), enc.encode(payload.to_string()))
}

impl FakeThingsBoard {
    /// Starts the fake; tokens expire at `token_exp` (epoch seconds) until changed.
    pub async fn start(token_exp: i64) -> Self {
        let state = Arc::new(Mutex::new(FakeState { token_exp, ..FakeState::default() }));
        let app = Router::new()
            .route("/api/auth/login", post(login))
            .route("/api/auth/token", post(refresh))
            .route("/api/rpc/{kind}/{device}", post(rpc))
            .route("/api/rpc/persistent/{rpc_id}", get(persistent))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("fake ThingsBoard binds");
        let url = format!("http://{}", listener.local_addr().expect("bound address"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, state, task }
    }

    /// Queues answers for RPCs to `device` (after them: 200 `{"ok": true}`).
    pub fn script(&self, device: &str, answers: impl IntoIterator<Item = Answer>) {
        lock(&self.state).scripts.entry(device.to_owned()).or_default().extend(answers);
    }

    /// Sets what `GET /api/rpc/persistent/{rpc_id}` answers: ThingsBoard's RPC JSON with
    /// `status` and `response`.
    pub fn set_persistent(&self, rpc_id: &str, status: &str, response: Option<Value>) {
        let rpc = json!({"id": {"entityType": "RPC", "id": rpc_id}, "status": status, "response": response});
        lock(&self.state).persistent.insert(rpc_id.to_owned(), rpc);
    }

    /// Sets the `exp` of tokens issued from now on.
    pub fn set_token_exp(&self, exp: i64) {
        lock(&self.state).token_exp = exp;
    }

    /// Holds every RPC answer back by `delay` (default none), like a device that takes its time.
    pub fn set_reply_delay(&self, delay: Duration) {
        lock(&self.state).reply_delay = delay;
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.state).requests.clone()
    }

    /// Requests to paths starting with `prefix`.
    pub fn requests_to(&self, prefix: &str) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.path.starts_with(prefix)).collect()
    }

    /// Number of logins.
    pub fn logins(&self) -> usize {
        self.requests_to("/api/auth/login").len()
    }

    /// Number of token refreshes.
    pub fn refreshes(&self) -> usize {
        self.requests_to("/api/auth/token").len()
    }
}

/// Records a request as answered now; returns its index (for [`answered`]).
fn record(state: &Arc<Mutex<FakeState>>, path: String, headers: &HeaderMap, body: &[u8]) -> usize {
    let received_at = Instant::now();
    let headers =
        headers.iter().map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned())).collect();
    let body = serde_json::from_slice(body).unwrap_or(Value::Null);
    let mut s = lock(state);
    s.requests.push(Recorded { path, headers, body, received_at, answered_at: received_at });
    s.requests.len() - 1
}

/// Marks request `index` as answered now.
fn answered(state: &Arc<Mutex<FakeState>>, index: usize) {
    if let Some(r) = lock(state).requests.get_mut(index) {
        r.answered_at = Instant::now();
    }
}

fn issue(s: &mut FakeState) -> Value {
    s.issued += 1;
    let token = token_with_exp(s.issued, s.token_exp);
    let refresh = format!("refresh-{}", s.issued);
    s.valid_tokens.insert(token.clone());
    s.valid_refresh.insert(refresh.clone());
    json!({"token": token, "refreshToken": refresh})
}

async fn login(State(state): State<Arc<Mutex<FakeState>>>, headers: HeaderMap, body: Bytes) -> Response {
    record(&state, "/api/auth/login".into(), &headers, &body);
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if v["username"] != USERNAME || v["password"] != PASSWORD {
        return (StatusCode::UNAUTHORIZED, r#"{"message":"Invalid username or password"}"#).into_response();
    }
    axum::Json(issue(&mut lock(&state))).into_response()
}

async fn refresh(State(state): State<Arc<Mutex<FakeState>>>, headers: HeaderMap, body: Bytes) -> Response {
    record(&state, "/api/auth/token".into(), &headers, &body);
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut s = lock(&state);
    match v["refreshToken"].as_str() {
        Some(r) if s.valid_refresh.contains(r) => axum::Json(issue(&mut s)).into_response(),
        _ => (StatusCode::UNAUTHORIZED, "invalid refresh token").into_response(),
    }
}

async fn rpc(
    State(state): State<Arc<Mutex<FakeState>>>,
    Path((kind, device)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let index = record(&state, format!("/api/rpc/{kind}/{device}"), &headers, &body);
    let (answer, delay) = rpc_answer(&state, &device, &headers);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    answered(&state, index);
    answer
}

/// The scripted answer to an RPC for `device` and how long to hold it back.
fn rpc_answer(state: &Arc<Mutex<FakeState>>, device: &str, headers: &HeaderMap) -> (Response, Duration) {
    let token = headers.get("x-authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let mut s = lock(state);
    if !token.is_some_and(|t| s.valid_tokens.contains(t)) {
        return ((StatusCode::UNAUTHORIZED, "token expired or invalid").into_response(), Duration::ZERO);
    }
    let delay = s.reply_delay;
    let answer = s.scripts.get_mut(device).and_then(VecDeque::pop_front).unwrap_or(Answer::Json(json!({"ok": true})));
    let response = match answer {
        Answer::Json(v) => axum::Json(v).into_response(),
        Answer::Empty => StatusCode::OK.into_response(),
        Answer::RpcId(id) => axum::Json(json!({"rpcId": id})).into_response(),
        Answer::Status(code, text) => {
            (StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), text).into_response()
        }
        Answer::Unauthorized => {
            s.valid_tokens.clear();
            (StatusCode::UNAUTHORIZED, "token revoked").into_response()
        }
    };
    (response, delay)
}

async fn persistent(
    State(state): State<Arc<Mutex<FakeState>>>,
    Path(rpc_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    record(&state, format!("/api/rpc/persistent/{rpc_id}"), &headers, b"");
    let token = headers.get("x-authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let s = lock(&state);
    if !token.is_some_and(|t| s.valid_tokens.contains(t)) {
        return (StatusCode::UNAUTHORIZED, "token expired or invalid").into_response();
    }
    match s.persistent.get(&rpc_id) {
        Some(rpc) => axum::Json(rpc.clone()).into_response(),
        None => (StatusCode::NOT_FOUND, r#"{"message":"Requested item wasn't found!"}"#).into_response(),
    }
}

/// Command adapters with the ThingsBoard RPC client logging in to the fake at `url` (with
/// [`USERNAME`]/[`PASSWORD`]) on `clock`.
pub fn adapters_for(url: &str, clock: &mgc_kernel::SharedClock) -> mgc_commands::AdapterRegistry {
    let settings = mgc_adapter_thingsboard::ThingsBoardSettings {
        url: url.to_owned(),
        username: USERNAME.into(),
        password: PASSWORD.into(),
        request_timeout: Duration::from_secs(5),
    };
    let client = mgc_adapter_thingsboard::ThingsBoardRpc::new(settings, clock.clone()).expect("ThingsBoard RPC client");
    mgc_commands::AdapterRegistry::new().with("thingsboard", Arc::new(client))
}
