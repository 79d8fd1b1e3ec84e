//! How the end of a CSMS call maps onto the command's outcome.

use crate::commands::actions::{refusing_status, CommandAction};
use crate::csms::{CallFailure, CallOutcome, CallReply};
use mgc_commands::AdapterOutcome;

/// The command outcome of `action` sent to charge point `identity` ending with `outcome`;
/// `wait_online` turns "not connected" into a retry instead of a failure.
pub fn command_outcome(
    action: &CommandAction,
    identity: &str,
    wait_online: bool,
    outcome: CallOutcome,
) -> AdapterOutcome {
    let name = action.name;
    match outcome {
        Ok(CallReply::Result(answer)) => {
            if let Err(v) = action.check_answer(&answer) {
                let reason = format!("charge point {identity} answered {name} outside the OCPP 1.6 schema: {v}");
                return AdapterOutcome::Refused { reason, response: answer };
            }
            match refusing_status(&answer) {
                Some(status) => {
                    let reason = format!("charge point {identity} answered {name} with status {status}");
                    AdapterOutcome::Refused { reason, response: answer }
                }
                None => AdapterOutcome::Succeeded { response: Some(answer) },
            }
        }
        Ok(CallReply::Error { code, description }) => AdapterOutcome::Failed {
            reason: format!("charge point {identity} answered {name} with CALLERROR {code}: {description}"),
        },
        Err(CallFailure::NotConnected(_)) if wait_online => AdapterOutcome::Retry {
            reason: format!("charge point {identity} is not connected; waiting for it (queue_until_online)"),
        },
        Err(CallFailure::NotConnected(_)) => {
            AdapterOutcome::NotSent { reason: format!("charge point {identity} is not connected") }
        }
        Err(e @ (CallFailure::Busy(_) | CallFailure::Closed { sent: false, .. })) => {
            AdapterOutcome::Retry { reason: format!("{name} to charge point {identity} not sent: {e}") }
        }
        Err(CallFailure::Closed { sent: true, reason }) => AdapterOutcome::Failed {
            reason: format!(
                "the connection of charge point {identity} closed ({reason}) before it answered {name}; \
                 whether it was carried out is unknown"
            ),
        },
        Err(CallFailure::TimedOut { sent: true }) => AdapterOutcome::TimedOut {
            reason: format!("charge point {identity} did not answer {name} before the deadline"),
        },
        Err(CallFailure::TimedOut { sent: false }) => AdapterOutcome::TimedOut {
            reason: format!("{name} to charge point {identity} was still queued behind another call at the deadline"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::actions::command_action;
    use crate::ErrorCode;
    use serde_json::json;

    fn outcome(method: &str, wait: bool, o: CallOutcome) -> AdapterOutcome {
        let action = command_action(method).copied();
        let Some(action) = action else { panic!("unknown action {method}") };
        command_outcome(&action, "CP-1", wait, o)
    }

    #[test]
    fn given_answers_then_accepting_ones_succeed_and_refusing_ones_fail_naming_the_status() {
        let accepted = json!({"status": "Accepted"});
        assert_eq!(
            outcome("RemoteStartTransaction", false, Ok(CallReply::Result(accepted.clone()))),
            AdapterOutcome::Succeeded { response: Some(accepted) }
        );
        let rejected = json!({"status": "Rejected"});
        assert_eq!(
            outcome("Reset", false, Ok(CallReply::Result(rejected.clone()))),
            AdapterOutcome::Refused {
                reason: "charge point CP-1 answered Reset with status Rejected".into(),
                response: rejected
            }
        );
        let AdapterOutcome::Refused { reason, .. } =
            outcome("UnlockConnector", false, Ok(CallReply::Result(json!({"status": "UnlockFailed"}))))
        else {
            panic!("not refused")
        };
        assert!(reason.contains("UnlockFailed"), "{reason}");
        let AdapterOutcome::Refused { reason, .. } =
            outcome("Reset", false, Ok(CallReply::Result(json!({"status": "Maybe"}))))
        else {
            panic!("an answer outside the schema is not a success")
        };
        assert!(reason.contains("status: 'Maybe' is not one of"), "{reason}");
        let version = json!({"listVersion": 4});
        assert_eq!(
            outcome("GetLocalListVersion", false, Ok(CallReply::Result(version.clone()))),
            AdapterOutcome::Succeeded { response: Some(version) }
        );
    }

    #[test]
    fn given_failures_then_each_maps_to_its_command_outcome() {
        let error = CallReply::Error { code: ErrorCode::NotSupported, description: "no reset here".into() };
        assert_eq!(
            outcome("Reset", false, Ok(error)),
            AdapterOutcome::Failed {
                reason: "charge point CP-1 answered Reset with CALLERROR NotSupported: no reset here".into()
            }
        );
        let offline = || Err(CallFailure::NotConnected("CP-1".into()));
        assert_eq!(
            outcome("Reset", false, offline()),
            AdapterOutcome::NotSent { reason: "charge point CP-1 is not connected".into() }
        );
        assert!(matches!(outcome("Reset", true, offline()), AdapterOutcome::Retry { .. }));
        assert!(matches!(outcome("Reset", false, Err(CallFailure::Busy("CP-1".into()))), AdapterOutcome::Retry { .. }));
        let closed = |sent| Err(CallFailure::Closed { sent, reason: "replaced by a newer connection".into() });
        assert!(matches!(outcome("Reset", false, closed(false)), AdapterOutcome::Retry { .. }));
        let AdapterOutcome::Failed { reason } = outcome("Reset", false, closed(true)) else { panic!("not failed") };
        assert!(reason.contains("replaced by a newer connection") && reason.contains("unknown"), "{reason}");
        for sent in [true, false] {
            let o = outcome("Reset", false, Err(CallFailure::TimedOut { sent }));
            assert!(matches!(o, AdapterOutcome::TimedOut { .. }), "{o:?}");
        }
    }
}
