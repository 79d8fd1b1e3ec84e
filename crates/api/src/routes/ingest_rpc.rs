//! `POST /ingest/thingsboard/rpc`: persistent-RPC state messages forwarded by a ThingsBoard rule
//! chain (REST API Call node on `RPC_*` messages) advance their command.
//!
//! Same integration authentication as telemetry. Liberal in what it reads: the RPC JSON flat or
//! wrapped as `{msg, metadata}`, the id as `id` (string or `{"id": ...}`) or `rpcId`, or in the
//! `X-Rpc-Id` header; the status as `status` or in `X-Rpc-Status`.

use crate::routes::ingest::{credentials, header, signed};
use crate::{ApiError, AppState};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use mgc_commands::{RemoteRpcState, RpcUpdateOutcome};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// Path of this endpoint (signed as part of the v2 canonical request).
pub const PATH: &str = "/ingest/thingsboard/rpc";

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_rpc_update", message)
}

/// A forwarded RPC state message, read leniently.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcUpdate {
    /// ThingsBoard's RPC id.
    pub rpc_id: String,
    /// Reported status.
    pub status: RemoteRpcState,
    /// The device's reply, when there is one.
    pub response: Option<Value>,
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Object(o) => o.get("id").and_then(text_of),
        _ => None,
    }
}

/// Reads an RPC state message from `body` and the headers.
pub fn parse_rpc_update(body: &[u8], headers: &HeaderMap) -> Result<RpcUpdate, ApiError> {
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(body).map_err(|e| invalid(format!("body is not JSON: {e}")))?
    };
    let Value::Object(mut outer) = value else { return Err(invalid("body must be a JSON object")) };
    let metadata = outer.remove("metadata");
    let msg = match outer.remove("msg") {
        Some(Value::Object(m)) => m,
        Some(Value::String(s)) => match serde_json::from_str(&s) {
            Ok(Value::Object(m)) => m,
            _ => return Err(invalid("msg must be a JSON object")),
        },
        Some(_) => return Err(invalid("msg must be a JSON object")),
        None => outer,
    };
    let meta = |k: &str| metadata.as_ref().and_then(|m| m.get(k)).and_then(text_of);
    let rpc_id = msg
        .get("rpcId")
        .and_then(text_of)
        .or_else(|| msg.get("id").and_then(text_of))
        .or_else(|| header(headers, "x-rpc-id").map(str::to_owned))
        .or_else(|| meta("rpcId"))
        .ok_or_else(|| invalid("no RPC id: give rpcId or id in the body, or the X-Rpc-Id header"))?;
    let raw_status = msg
        .get("status")
        .and_then(text_of)
        .or_else(|| header(headers, "x-rpc-status").map(str::to_owned))
        .or_else(|| meta("status"))
        .ok_or_else(|| invalid("no status: give status in the body or the X-Rpc-Status header"))?;
    let status: RemoteRpcState = raw_status.parse().map_err(|e: String| invalid(format!("status: {e}")))?;
    let response = match msg.get("response") {
        None | Some(Value::Null) => None,
        // ThingsBoard may carry the reply as JSON text.
        Some(Value::String(s)) => Some(serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone()))),
        Some(v) => Some(v.clone()),
    };
    Ok(RpcUpdate { rpc_id, status, response })
}

/// Answer (202) to a state message whose RPC id no command carries yet: it is kept and applied
/// when the dispatcher records the id.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RpcUpdatePending {
    /// Always `accepted_pending`.
    pub code: &'static str,
    /// The RPC id.
    pub rpc_id: String,
    /// The reported status.
    pub status: &'static str,
    /// In words.
    pub message: String,
}

/// Advances the command of a persistent RPC from a forwarded state message (idempotent; never
/// moves a command backwards). A message that overtakes the dispatcher storing its RPC id is
/// kept (202) and applied when the id is stored.
#[utoipa::path(post, path = "/ingest/thingsboard/rpc", operation_id = "ingest_thingsboard_rpc", tag = "ingest",
    params(("X-Integration-Id" = String, Header, description = "integration id"),
           ("X-Timestamp" = Option<String>, Header, description = "unix seconds (signed mode)"),
           ("X-Signature" = Option<String>, Header, description = "v2=<hex HMAC-SHA256(secret, canonical request)> (see docs/api.md); legacy sha256= only where the integration allows it"),
           ("X-Integration-Secret" = Option<String>, Header, description = "static mode, when the integration allows it"),
           ("X-Rpc-Id" = Option<String>, Header, description = "RPC id when the body has none"),
           ("X-Rpc-Status" = Option<String>, Header, description = "status when the body has none")),
    request_body(content = Option<crate::routes::ingest_views::RpcStateBody>, description = "ThingsBoard's RPC JSON ({id|rpcId, status, response}) flat or as {msg, metadata}; an empty body takes both from the headers"),
    responses((status = 200, body = crate::routes::command_views::CommandView, description = "the command after the update"),
        (status = 202, body = RpcUpdatePending, description = "accepted_pending: the RPC id is not stored yet but a persistent command is being sent; applied when it is"),
        (status = 401, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "unknown_rpc_id"), (status = 422, body = crate::error::ErrorBody),
        (status = 429, body = crate::error::ErrorBody, description = "rpc_update_buffer_full: too many messages of unknown RPC ids wait")))]
pub async fn rpc(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|r| ApiError::new(r.status(), "payload_too_large", r.body_text()))?;
    let now = state.clock.now();
    let signed = signed(&headers, PATH, &body);
    let integration = match state.ingest.authenticate_once(&credentials(&headers), &signed, now).await {
        Ok(integration) => integration,
        Err(e) => return Err(crate::refusal_audit::ingest_refused(&state, &headers, PATH, e).await),
    };
    crate::extract::reject_nul(&body)?;
    let update = parse_rpc_update(&body, &headers)?;
    let tx = state.store.begin().await?;
    let outcome = mgc_commands::apply_rpc_update(
        tx,
        &integration.tenant,
        &update.rpc_id,
        update.status,
        update.response,
        &state.config.commands,
        now,
    )
    .await?;
    Ok(match outcome {
        RpcUpdateOutcome::Applied(command) => Json(*command).into_response(),
        RpcUpdateOutcome::Pending => {
            let pending = RpcUpdatePending {
                code: "accepted_pending",
                message: format!(
                    "no command has RPC id '{}' yet, but a persistent command is being sent: the {} update is kept and applied when its RPC id is stored",
                    update.rpc_id,
                    update.status.as_str()
                ),
                rpc_id: update.rpc_id,
                status: update.status.as_str(),
            };
            (StatusCode::ACCEPTED, Json(pending)).into_response()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(body: Value, headers: &[(&'static str, &str)]) -> Result<RpcUpdate, ApiError> {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(*k, v.parse().unwrap());
        }
        parse_rpc_update(body.to_string().as_bytes(), &h)
    }

    #[test]
    fn given_flat_rpc_json_when_parsed_then_id_status_response() {
        let u = parse(
            json!({"id": {"entityType": "RPC", "id": "r-1"}, "status": "SUCCESSFUL", "response": {"ok": 1}}),
            &[],
        )
        .unwrap();
        assert_eq!(
            u,
            RpcUpdate { rpc_id: "r-1".into(), status: RemoteRpcState::Successful, response: Some(json!({"ok": 1})) }
        );
    }

    #[test]
    fn given_msg_metadata_and_header_id_when_parsed_then_read() {
        let u =
            parse(json!({"msg": {"status": "DELIVERED"}, "metadata": {"deviceName": "pv-1"}}), &[("x-rpc-id", "r-2")])
                .unwrap();
        assert_eq!((u.rpc_id.as_str(), u.status), ("r-2", RemoteRpcState::Delivered));
        let u = parse(json!({"rpcId": "r-3", "status": "rpc_timeout", "response": "{\"a\":1}"}), &[]).unwrap();
        assert_eq!((u.status, u.response), (RemoteRpcState::Timeout, Some(json!({"a": 1}))));
    }

    #[test]
    fn given_bad_bodies_when_parsed_then_422_naming_the_problem() {
        for (body, needle) in [
            (json!({"status": "SENT"}), "no RPC id"),
            (json!({"id": "r"}), "no status"),
            (json!({"id": "r", "status": "DONE"}), "DONE"),
            (json!([1]), "object"),
        ] {
            let e = parse(body, &[]).unwrap_err();
            assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(e.message.contains(needle), "{}", e.message);
        }
    }
}
