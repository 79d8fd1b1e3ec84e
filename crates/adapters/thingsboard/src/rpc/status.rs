//! `GET /api/rpc/persistent/{rpcId}`: the state ThingsBoard keeps of a persistent RPC, asked
//! for when its state messages did not reach us.

use crate::rpc::client::{AuthFailure, ThingsBoardRpc};
use mgc_commands::{RemoteRpcState, RpcStatusLookup};

/// Maps ThingsBoard's answer (other than 401) to a lookup result. The body is its RPC JSON:
/// `{"id": {...}, "status": "SUCCESSFUL", "response": {...}, ...}`.
pub fn map_status_answer(status: u16, body: &str) -> RpcStatusLookup {
    match status {
        200 => {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else {
                return RpcStatusLookup::Unavailable { reason: "ThingsBoard's RPC answer is not JSON".into() };
            };
            let parsed = v.get("status").and_then(|s| s.as_str()).map(str::parse::<RemoteRpcState>);
            match parsed {
                Some(Ok(status)) => {
                    let response = match v.get("response") {
                        None | Some(serde_json::Value::Null) => None,
                        Some(serde_json::Value::String(s)) => {
                            Some(serde_json::from_str(s).unwrap_or_else(|_| serde_json::Value::String(s.clone())))
                        }
                        Some(r) => Some(r.clone()),
                    };
                    RpcStatusLookup::Found { status, response }
                }
                Some(Err(e)) => RpcStatusLookup::Unavailable { reason: format!("ThingsBoard's RPC answer: {e}") },
                None => RpcStatusLookup::Unavailable { reason: "ThingsBoard's RPC answer has no status".into() },
            }
        }
        404 => RpcStatusLookup::NotFound,
        _ => RpcStatusLookup::Unavailable { reason: format!("ThingsBoard answered {status} to the RPC lookup") },
    }
}

impl ThingsBoardRpc {
    /// The state of persistent RPC `rpc_id` (logs in again once on 401).
    pub async fn persistent_rpc_status(&self, rpc_id: &str) -> RpcStatusLookup {
        let mut url = match reqwest::Url::parse(&self.settings.url) {
            Ok(u) => u,
            Err(e) => return RpcStatusLookup::Unavailable { reason: format!("thingsboard.url is not a URL: {e}") },
        };
        match url.path_segments_mut() {
            Ok(mut p) => {
                p.pop_if_empty().extend(["api", "rpc", "persistent", rpc_id]);
            }
            Err(()) => return RpcStatusLookup::Unavailable { reason: "thingsboard.url cannot have a path".into() },
        }
        for force_login in [false, true] {
            let token = match self.token(force_login).await {
                Ok(t) => t,
                Err(AuthFailure::Unreachable(reason) | AuthFailure::Refused(reason)) => {
                    return RpcStatusLookup::Unavailable { reason }
                }
            };
            let sent = self
                .http
                .get(url.clone())
                .header("X-Authorization", format!("Bearer {token}"))
                .timeout(self.settings.request_timeout)
                .send()
                .await;
            let resp = match sent {
                Ok(r) => r,
                Err(e) => return RpcStatusLookup::Unavailable { reason: format!("cannot reach ThingsBoard: {e}") },
            };
            let status = resp.status().as_u16();
            let body = resp.text().await.unwrap_or_default();
            if status != 401 {
                return map_status_answer(status, &body);
            }
        }
        RpcStatusLookup::Unavailable { reason: "ThingsBoard answered 401 again after logging in again".into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn given_thingsboard_answers_when_mapped_then_lookup() {
        let body = json!({"id": {"entityType": "RPC", "id": "r"}, "status": "SUCCESSFUL", "response": {"ok": 1}});
        assert_eq!(
            map_status_answer(200, &body.to_string()),
            RpcStatusLookup::Found { status: RemoteRpcState::Successful, response: Some(json!({"ok": 1})) }
        );
        assert_eq!(
            map_status_answer(200, r#"{"status": "DELIVERED", "response": null}"#),
            RpcStatusLookup::Found { status: RemoteRpcState::Delivered, response: None }
        );
        assert_eq!(map_status_answer(404, ""), RpcStatusLookup::NotFound);
        for (status, body) in [(200, "nope"), (200, r#"{"status": "DELETED"}"#), (200, "{}"), (503, "")] {
            assert!(matches!(map_status_answer(status, body), RpcStatusLookup::Unavailable { .. }), "{status} {body}");
        }
    }
}
