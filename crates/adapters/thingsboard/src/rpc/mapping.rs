//! ThingsBoard's answers to `POST /api/rpc/{oneway|twoway}/{deviceId}` as command outcomes.

use mgc_commands::{AdapterOutcome, RpcOptions};

/// Longest part of an error body kept in a reason.
const MAX_BODY_IN_REASON: usize = 500;

fn excerpt(body: &str) -> String {
    let body = body.trim();
    if body.is_empty() {
        return "(empty body)".to_owned();
    }
    let mut cut: String = body.chars().take(MAX_BODY_IN_REASON).collect();
    if cut.len() < body.len() {
        cut.push('…');
    }
    cut
}

/// Maps an HTTP answer (other than 401, which the client handles by logging in again).
pub fn map_rpc_answer(status: u16, body: &str, options: RpcOptions) -> AdapterOutcome {
    match status {
        200..=299 => map_ok(body, options),
        406 => {
            AdapterOutcome::Failed { reason: "ThingsBoard answered 406: the device's reply is not valid JSON".into() }
        }
        504 | 408 => AdapterOutcome::TimedOut {
            reason: format!("ThingsBoard answered {status}: device did not reply or is offline"),
        },
        409 => AdapterOutcome::TimedOut { reason: "ThingsBoard answered 409: device is not connected".into() },
        500..=599 => AdapterOutcome::Retry { reason: format!("ThingsBoard answered {status}: {}", excerpt(body)) },
        _ => AdapterOutcome::Failed { reason: format!("ThingsBoard answered {status}: {}", excerpt(body)) },
    }
}

fn map_ok(body: &str, options: RpcOptions) -> AdapterOutcome {
    let trimmed = body.trim();
    let json: Option<serde_json::Value> = if trimmed.is_empty() { None } else { serde_json::from_str(trimmed).ok() };
    if options.persistent {
        return match json.as_ref().and_then(|v| v.get("rpcId")).and_then(|v| v.as_str()) {
            Some(id) if !id.is_empty() => AdapterOutcome::Accepted { rpc_id: id.to_owned() },
            _ => AdapterOutcome::Failed {
                reason: format!("ThingsBoard accepted the persistent RPC without an rpcId: {}", excerpt(body)),
            },
        };
    }
    if options.oneway {
        return AdapterOutcome::Delivered;
    }
    match (trimmed.is_empty(), json) {
        (true, _) => AdapterOutcome::Succeeded { response: None },
        (false, Some(v)) => AdapterOutcome::Succeeded { response: Some(v) },
        (false, None) => AdapterOutcome::Succeeded { response: Some(serde_json::Value::String(trimmed.to_owned())) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TWOWAY: RpcOptions =
        RpcOptions { oneway: false, parallel: false, persistent: false, queue_until_online: false };

    #[test]
    fn given_each_documented_answer_when_mapped_then_outcome() {
        assert_eq!(
            map_rpc_answer(200, r#"{"ok":true}"#, TWOWAY),
            AdapterOutcome::Succeeded { response: Some(json!({"ok": true})) }
        );
        assert_eq!(map_rpc_answer(200, "", TWOWAY), AdapterOutcome::Succeeded { response: None });
        assert_eq!(map_rpc_answer(200, "", RpcOptions { oneway: true, ..TWOWAY }), AdapterOutcome::Delivered);
        assert_eq!(
            map_rpc_answer(200, r#"{"rpcId":"r-1"}"#, RpcOptions { persistent: true, ..TWOWAY }),
            AdapterOutcome::Accepted { rpc_id: "r-1".into() }
        );
        assert!(matches!(map_rpc_answer(406, "", TWOWAY), AdapterOutcome::Failed { .. }));
        assert!(
            matches!(map_rpc_answer(504, "", TWOWAY), AdapterOutcome::TimedOut { reason } if reason.contains("offline"))
        );
        assert!(
            matches!(map_rpc_answer(400, "bad method", TWOWAY), AdapterOutcome::Failed { reason } if reason.contains("bad method"))
        );
        assert!(
            matches!(map_rpc_answer(413, "too big", TWOWAY), AdapterOutcome::Failed { reason } if reason.contains("413"))
        );
        assert!(matches!(map_rpc_answer(503, "", TWOWAY), AdapterOutcome::Retry { .. }));
    }

    #[test]
    fn given_long_error_body_when_mapped_then_reason_is_cut() {
        let body = "x".repeat(5000);
        let AdapterOutcome::Failed { reason } = map_rpc_answer(400, &body, TWOWAY) else { panic!("not failed") };
        assert!(reason.chars().count() < 600);
    }
}
