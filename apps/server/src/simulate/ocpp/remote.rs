//! Answers to the central system's CALLs (operators use the simulator as a demo charger):
//! RemoteStart/StopTransaction start and stop a session, Reset reboots, the rest is accepted.

use serde_json::{json, Value};

/// What the charge point is doing, as far as an answer depends on it.
#[derive(Debug, Clone, Copy)]
pub(super) struct View {
    /// Transaction id of the running session.
    pub(super) transaction: Option<i64>,
    /// Number of connectors.
    pub(super) connectors: u32,
    /// Heartbeat interval, s.
    pub(super) heartbeat_s: u64,
    /// MeterValues interval, s.
    pub(super) meter_interval_s: u64,
}

/// What the charge point does after answering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Effect {
    /// Start a session on the connector (any when None) for the tag.
    Start { connector: Option<u32>, id_tag: String },
    /// Stop the running session (reason Remote).
    Stop,
    /// Stop any session and reboot (reason and a new BootNotification).
    Reset { hard: bool },
    /// Send this message now (TriggerMessage).
    Trigger(String),
}

/// The answer: a CALLRESULT payload or a CALLERROR (code, description), and what follows.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Reply {
    pub(super) answer: Result<Value, (&'static str, String)>,
    pub(super) effect: Option<Effect>,
}

fn status(s: &str) -> Reply {
    Reply { answer: Ok(json!({"status": s})), effect: None }
}

fn with(s: &str, effect: Effect) -> Reply {
    Reply { answer: Ok(json!({"status": s})), effect: Some(effect) }
}

/// The answer to `action` with `payload` in state `view`.
pub(super) fn respond(action: &str, payload: &Value, view: View) -> Reply {
    let int = |k: &str| payload.get(k).and_then(Value::as_i64);
    let text = |k: &str| payload.get(k).and_then(Value::as_str);
    match action {
        "RemoteStartTransaction" => {
            let connector = int("connectorId");
            let valid_connector = connector.is_none_or(|c| (1..=i64::from(view.connectors)).contains(&c));
            match text("idTag") {
                None => Reply { answer: Err(("OccurenceConstraintViolation", "idTag: required".into())), effect: None },
                Some(tag) if view.transaction.is_none() && valid_connector && (1..=20).contains(&tag.len()) => {
                    let connector = connector.and_then(|c| u32::try_from(c).ok());
                    with("Accepted", Effect::Start { connector, id_tag: tag.to_owned() })
                }
                Some(_) => status("Rejected"),
            }
        }
        "RemoteStopTransaction" => match int("transactionId") {
            Some(t) if view.transaction == Some(t) => with("Accepted", Effect::Stop),
            Some(_) => status("Rejected"),
            None => {
                Reply { answer: Err(("OccurenceConstraintViolation", "transactionId: required".into())), effect: None }
            }
        },
        "Reset" => match text("type") {
            Some(kind @ ("Hard" | "Soft")) => with("Accepted", Effect::Reset { hard: kind == "Hard" }),
            _ => Reply {
                answer: Err(("PropertyConstraintViolation", "type: must be Hard or Soft".into())),
                effect: None,
            },
        },
        "TriggerMessage" => match text("requestedMessage") {
            Some(m @ ("Heartbeat" | "StatusNotification" | "MeterValues" | "BootNotification")) => {
                with("Accepted", Effect::Trigger(m.to_owned()))
            }
            _ => status("NotImplemented"),
        },
        "UnlockConnector" => status("Unlocked"),
        "GetConfiguration" => Reply {
            answer: Ok(json!({"configurationKey": [
                {"key": "HeartbeatInterval", "readonly": false, "value": view.heartbeat_s.to_string()},
                {"key": "MeterValueSampleInterval", "readonly": false, "value": view.meter_interval_s.to_string()},
                {"key": "NumberOfConnectors", "readonly": true, "value": view.connectors.to_string()},
                {"key": "MeterValuesSampledData", "readonly": false, "value": "Energy.Active.Import.Register,Power.Active.Import,SoC"},
            ]})),
            effect: None,
        },
        "GetLocalListVersion" => Reply { answer: Ok(json!({"listVersion": 0})), effect: None },
        "GetDiagnostics" | "UpdateFirmware" => Reply { answer: Ok(json!({})), effect: None },
        "GetCompositeSchedule" => status("Rejected"),
        "ChangeAvailability"
        | "ChangeConfiguration"
        | "ClearCache"
        | "DataTransfer"
        | "SendLocalList"
        | "ReserveNow"
        | "CancelReservation"
        | "SetChargingProfile"
        | "ClearChargingProfile" => status("Accepted"),
        other => {
            Reply { answer: Err(("NotImplemented", format!("{other} is not an OCPP 1.6 CSMS call"))), effect: None }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDLE: View = View { transaction: None, connectors: 2, heartbeat_s: 60, meter_interval_s: 60 };
    const BUSY: View = View { transaction: Some(7), ..IDLE };

    #[test]
    fn given_an_idle_charger_when_remote_start_then_accepted_and_a_session_follows() {
        let r = respond("RemoteStartTransaction", &json!({"idTag": "OP", "connectorId": 2}), IDLE);
        assert_eq!(r.answer, Ok(json!({"status": "Accepted"})));
        assert_eq!(r.effect, Some(Effect::Start { connector: Some(2), id_tag: "OP".into() }));
    }

    #[test]
    fn given_a_busy_charger_or_a_bad_connector_when_remote_start_then_rejected() {
        for (payload, view) in [(json!({"idTag": "OP"}), BUSY), (json!({"idTag": "OP", "connectorId": 3}), IDLE)] {
            let r = respond("RemoteStartTransaction", &payload, view);
            assert_eq!((r.answer, r.effect), (Ok(json!({"status": "Rejected"})), None));
        }
    }

    #[test]
    fn given_remote_stop_then_only_the_running_transaction_is_stopped() {
        assert_eq!(respond("RemoteStopTransaction", &json!({"transactionId": 7}), BUSY).effect, Some(Effect::Stop));
        let other = respond("RemoteStopTransaction", &json!({"transactionId": 8}), BUSY);
        assert_eq!((other.answer, other.effect), (Ok(json!({"status": "Rejected"})), None));
    }

    #[test]
    fn given_reset_and_other_calls_then_each_gets_its_answer() {
        assert_eq!(respond("Reset", &json!({"type": "Soft"}), BUSY).effect, Some(Effect::Reset { hard: false }));
        assert!(respond("Reset", &json!({}), IDLE).answer.is_err());
        assert_eq!(respond("ChangeAvailability", &json!({}), IDLE).answer, Ok(json!({"status": "Accepted"})));
        assert_eq!(respond("GetLocalListVersion", &json!({}), IDLE).answer, Ok(json!({"listVersion": 0})));
        let config = respond("GetConfiguration", &json!({}), IDLE).answer.unwrap();
        assert_eq!(config["configurationKey"][0]["value"], "60");
        assert_eq!(respond("Heartbeat", &json!({}), IDLE).answer.unwrap_err().0, "NotImplemented");
        let trigger = respond("TriggerMessage", &json!({"requestedMessage": "Heartbeat"}), IDLE);
        assert_eq!(trigger.effect, Some(Effect::Trigger("Heartbeat".into())));
    }
}
