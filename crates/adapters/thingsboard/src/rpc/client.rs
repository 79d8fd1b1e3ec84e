//! The ThingsBoard RPC client: one session per process, `POST /api/rpc/{oneway|twoway}/{id}`.

use crate::rpc::mapping::map_rpc_answer;
use crate::rpc::session::{Session, TokenPair};
use async_trait::async_trait;
use mgc_commands::{AdapterOutcome, DeviceAdapter, RpcRequest, RpcStatusLookup};
use mgc_kernel::SharedClock;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Where and as whom to call ThingsBoard.
#[derive(Clone, PartialEq)]
pub struct ThingsBoardSettings {
    /// Base URL, e.g. `https://tb.example.com`.
    pub url: String,
    /// Tenant administrator user.
    pub username: String,
    /// Its password.
    pub password: String,
    /// Timeout of login/refresh calls, and the margin added to an RPC's own timeout.
    pub request_timeout: Duration,
}

impl std::fmt::Debug for ThingsBoardSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThingsBoardSettings")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &"***")
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

/// Why no token could be had.
pub(crate) enum AuthFailure {
    /// ThingsBoard refused the credentials: the command cannot be sent.
    Refused(String),
    /// ThingsBoard could not be reached: try later.
    Unreachable(String),
}

/// Sends commands as ThingsBoard server-side RPC.
pub struct ThingsBoardRpc {
    pub(crate) http: reqwest::Client,
    pub(crate) settings: ThingsBoardSettings,
    clock: SharedClock,
    session: Mutex<Option<Session>>,
}

impl std::fmt::Debug for ThingsBoardRpc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThingsBoardRpc").field("settings", &self.settings).finish()
    }
}

impl ThingsBoardRpc {
    /// A client for `settings`; token expiry is judged with `clock`.
    pub fn new(settings: ThingsBoardSettings, clock: SharedClock) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .connect_timeout(settings.request_timeout)
            .build()
            .map_err(|e| format!("cannot build the ThingsBoard HTTP client: {e}"))?;
        Ok(Self { http, settings, clock, session: Mutex::new(None) })
    }

    fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.settings.url.trim_end_matches('/'))
    }

    async fn post_auth(&self, path: &str, body: serde_json::Value) -> Result<Session, AuthFailure> {
        let resp = self
            .http
            .post(self.endpoint(path))
            .timeout(self.settings.request_timeout)
            .json(&body)
            .send()
            .await
            .map_err(|e| AuthFailure::Unreachable(format!("cannot reach ThingsBoard at {path}: {e}")))?;
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        match status {
            200 => serde_json::from_str::<TokenPair>(&text)
                .map(Session::from_pair)
                .map_err(|e| AuthFailure::Refused(format!("ThingsBoard {path} answered without a token: {e}"))),
            500..=599 => Err(AuthFailure::Unreachable(format!("ThingsBoard {path} answered {status}"))),
            _ => Err(AuthFailure::Refused(format!(
                "ThingsBoard refused the login ({path} answered {status}); check [thingsboard] username and password"
            ))),
        }
    }

    async fn login(&self) -> Result<Session, AuthFailure> {
        let body = serde_json::json!({"username": self.settings.username, "password": self.settings.password});
        self.post_auth("/api/auth/login", body).await
    }

    /// A usable token: the kept one, a refreshed one before expiry, or a fresh login
    /// (`force_login` after ThingsBoard answered 401).
    pub(crate) async fn token(&self, force_login: bool) -> Result<String, AuthFailure> {
        let mut guard = self.session.lock().await;
        let now = self.clock.now();
        if !force_login {
            if let Some(s) = guard.as_ref().filter(|s| s.is_fresh(now)) {
                return Ok(s.token.clone());
            }
            if let Some(refresh) = guard.as_ref().and_then(|s| s.refresh_token.clone()) {
                match self.post_auth("/api/auth/token", serde_json::json!({"refreshToken": refresh})).await {
                    Ok(s) => {
                        let token = s.token.clone();
                        *guard = Some(s);
                        return Ok(token);
                    }
                    Err(AuthFailure::Unreachable(e)) => return Err(AuthFailure::Unreachable(e)),
                    Err(AuthFailure::Refused(e)) => {
                        tracing::info!(error = %e, "ThingsBoard token refresh refused; logging in again")
                    }
                }
            }
        }
        *guard = None;
        let s = self.login().await?;
        let token = s.token.clone();
        *guard = Some(s);
        Ok(token)
    }

    async fn post_rpc(&self, token: &str, url: reqwest::Url, req: &RpcRequest) -> Result<(u16, String), String> {
        let mut body = serde_json::json!({"method": req.method, "params": req.params, "timeout": req.remaining_ms});
        if req.options.persistent {
            body["persistent"] = serde_json::Value::Bool(true);
            body["expirationTime"] = serde_json::Value::from(req.deadline.timestamp_millis());
        }
        let resp = self
            .http
            .post(url)
            .header("X-Authorization", format!("Bearer {token}"))
            .timeout(Duration::from_millis(req.remaining_ms) + self.settings.request_timeout)
            .json(&body)
            .send()
            .await
            .map_err(|e| format!("cannot reach ThingsBoard: {e}"))?;
        let status = resp.status().as_u16();
        Ok((status, resp.text().await.unwrap_or_default()))
    }

    async fn send_inner(&self, req: &RpcRequest) -> AdapterOutcome {
        let url = match rpc_url(&self.settings.url, req) {
            Ok(url) => url,
            Err(reason) => return AdapterOutcome::NotSent { reason },
        };
        let mut token = match self.token(false).await {
            Ok(t) => t,
            Err(AuthFailure::Unreachable(reason)) => return AdapterOutcome::Retry { reason },
            Err(AuthFailure::Refused(reason)) => return AdapterOutcome::NotSent { reason },
        };
        for attempt in 0..2 {
            let (status, body) = match self.post_rpc(&token, url.clone(), req).await {
                Ok(answer) => answer,
                Err(reason) => return AdapterOutcome::Retry { reason },
            };
            if status != 401 {
                return map_rpc_answer(status, &body, req.options);
            }
            if attempt == 1 {
                break;
            }
            tracing::info!("ThingsBoard answered 401; logging in again");
            token = match self.token(true).await {
                Ok(t) => t,
                Err(AuthFailure::Unreachable(reason)) => return AdapterOutcome::Retry { reason },
                Err(AuthFailure::Refused(reason)) => return AdapterOutcome::NotSent { reason },
            };
        }
        AdapterOutcome::NotSent { reason: "ThingsBoard answered 401 again after logging in again".into() }
    }
}

/// `<base>/api/rpc/{oneway|twoway}/{target}`, the device id escaped as one path segment.
pub fn rpc_url(base: &str, req: &RpcRequest) -> Result<reqwest::Url, String> {
    let kind = if req.options.oneway { "oneway" } else { "twoway" };
    let mut url = reqwest::Url::parse(base).map_err(|e| format!("thingsboard.url '{base}' is not a URL: {e}"))?;
    url.path_segments_mut()
        .map_err(|()| format!("thingsboard.url '{base}' cannot have a path"))?
        .pop_if_empty()
        .extend(["api", "rpc", kind, req.target.as_str()]);
    Ok(url)
}

fn outcome_label(o: &AdapterOutcome) -> &'static str {
    match o {
        AdapterOutcome::Succeeded { .. } => "succeeded",
        AdapterOutcome::Delivered => "delivered",
        AdapterOutcome::Accepted { .. } => "accepted",
        AdapterOutcome::NotSent { .. } => "not_sent",
        AdapterOutcome::Failed { .. } | AdapterOutcome::Refused { .. } => "failed",
        AdapterOutcome::TimedOut { .. } => "timed_out",
        AdapterOutcome::Retry { .. } => "retry",
    }
}

#[async_trait]
impl DeviceAdapter for ThingsBoardRpc {
    async fn send(&self, request: &RpcRequest) -> AdapterOutcome {
        let started = Instant::now();
        let outcome = self.send_inner(request).await;
        metrics::histogram!("mgc_command_rpc_seconds", "outcome" => outcome_label(&outcome))
            .record(started.elapsed().as_secs_f64());
        outcome
    }

    async fn rpc_status(&self, rpc_id: &str) -> RpcStatusLookup {
        self.persistent_rpc_status(rpc_id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mgc_commands::RpcOptions;

    fn request(target: &str, oneway: bool) -> RpcRequest {
        RpcRequest {
            tenant: mgc_kernel::TenantId::parse("acme").unwrap_or_else(|_| unreachable!()),
            target: target.into(),
            method: "m".into(),
            params: serde_json::json!({}),
            options: RpcOptions { oneway, ..RpcOptions::default() },
            remaining_ms: 5000,
            deadline: chrono::DateTime::from_timestamp(0, 0).unwrap_or_default(),
        }
    }

    #[test]
    fn given_base_and_device_when_url_built_then_device_is_one_escaped_segment() {
        let u = rpc_url("http://tb:8080/", &request("784f394c-42b6", false)).unwrap();
        assert_eq!(u.as_str(), "http://tb:8080/api/rpc/twoway/784f394c-42b6");
        let u = rpc_url("https://tb.example.com/base", &request("a/b?c", true)).unwrap();
        assert_eq!(u.as_str(), "https://tb.example.com/base/api/rpc/oneway/a%2Fb%3Fc");
        assert!(rpc_url("not a url", &request("x", false)).is_err());
    }
}
