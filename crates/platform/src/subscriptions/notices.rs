//! What a platform hears of an integration event: its public event type, its ordering key, the
//! session it belongs to (for the order number) and its data.

use mgc_charging::SessionId;
use mgc_contracts::{
    AlarmAcknowledged, AlarmCleared, AlarmRaised, AlarmSeverityChanged, ChargePointConnectionChanged,
    ChargingSessionEnded, ChargingSessionStarted, ChargingSessionUpdated, ChargingSettlementUploaded,
    ConnectorStatusChanged, ContractError, EventEnvelope, IntegrationEvent,
};
use mgc_kernel::uuid::Uuid;
use serde_json::Value;

/// The integration events platforms hear of.
pub const SOURCE_TYPES: &[&str] = &[
    ChargePointConnectionChanged::TYPE,
    ConnectorStatusChanged::TYPE,
    ChargingSessionStarted::TYPE,
    ChargingSessionUpdated::TYPE,
    ChargingSessionEnded::TYPE,
    ChargingSettlementUploaded::TYPE,
    AlarmRaised::TYPE,
    AlarmSeverityChanged::TYPE,
    AlarmAcknowledged::TYPE,
    AlarmCleared::TYPE,
];

/// A notice before it is addressed to subscriptions.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// Public event type.
    pub event: &'static str,
    /// Ordering key.
    pub order_key: String,
    /// The session, when the event belongs to one.
    pub session: Option<SessionId>,
    /// Words.
    pub text: String,
}

fn session_key(id: Uuid) -> String {
    format!("session:{id}")
}

fn charge_point_key(id: Uuid) -> String {
    format!("charge_point:{id}")
}

fn alarm(event: &'static str, id: Uuid, text: String) -> Draft {
    Draft { event, order_key: format!("alarm:{id}"), session: None, text }
}

fn session(event: &'static str, id: Uuid, text: String) -> Draft {
    Draft { event, order_key: session_key(id), session: Some(SessionId::from_uuid(id)), text }
}

/// The draft of `ev`, or none for an event type platforms do not hear of.
pub fn draft_of(ev: &EventEnvelope) -> Result<Option<Draft>, ContractError> {
    let d = match ev.event_type.as_str() {
        ChargePointConnectionChanged::TYPE => {
            let e: ChargePointConnectionChanged = ev.decode()?;
            let (event, word) = if e.online { ("device.online", "online") } else { ("device.offline", "offline") };
            let text = format!("Charge point {} is {word}: {}", e.identity, e.reason);
            Draft { event, order_key: charge_point_key(e.charge_point_id), session: None, text }
        }
        ConnectorStatusChanged::TYPE => {
            let e: ConnectorStatusChanged = ev.decode()?;
            let text = format!("Charge point {} port {} is {} ({})", e.identity, e.connector, e.to, e.error_code);
            Draft { event: "port.status_changed", order_key: charge_point_key(e.charge_point_id), session: None, text }
        }
        ChargingSessionStarted::TYPE => {
            let e: ChargingSessionStarted = ev.decode()?;
            session("session.started", e.session_id, format!("Session started on port {}", e.connector))
        }
        ChargingSessionUpdated::TYPE => {
            let e: ChargingSessionUpdated = ev.decode()?;
            session("session.progress", e.session_id, format!("Session {}: {} Wh so far", e.state, e.energy_wh.0))
        }
        ChargingSessionEnded::TYPE => {
            let e: ChargingSessionEnded = ev.decode()?;
            let text = format!("Session {} ({}): {} Wh in {} s", e.state, e.reason, e.energy_wh.0, e.duration_s);
            session("session.ended", e.session_id, text)
        }
        ChargingSettlementUploaded::TYPE => {
            let e: ChargingSettlementUploaded = ev.decode()?;
            let text = format!("Charge point {} uploaded the settlement of port {}", e.identity, e.connector);
            match e.session_id {
                Some(s) => session("settlement.uploaded", s, text),
                None => Draft {
                    event: "settlement.uploaded",
                    order_key: charge_point_key(e.charge_point_id),
                    session: None,
                    text,
                },
            }
        }
        AlarmRaised::TYPE => {
            let e: AlarmRaised = ev.decode()?;
            alarm("alarm.raised", e.alarm_id, format!("Alarm raised ({}): {}", e.severity, e.message))
        }
        AlarmSeverityChanged::TYPE => {
            let e: AlarmSeverityChanged = ev.decode()?;
            alarm("alarm.severity_changed", e.alarm_id, format!("Alarm severity {} → {}", e.from, e.to))
        }
        AlarmAcknowledged::TYPE => {
            let e: AlarmAcknowledged = ev.decode()?;
            alarm("alarm.acknowledged", e.alarm_id, format!("Alarm acknowledged by {}", e.by))
        }
        AlarmCleared::TYPE => {
            let e: AlarmCleared = ev.decode()?;
            alarm("alarm.cleared", e.alarm_id, format!("Alarm cleared by {}", e.by))
        }
        _ => return Ok(None),
    };
    Ok(Some(d))
}

/// The envelope `data` of a notice: the event's fields, its source event id and time, and the
/// platform's `order_no` (null when the event belongs to no order).
pub fn data_of(ev: &EventEnvelope, order_no: Option<&str>) -> Value {
    let mut data = match &ev.payload {
        Value::Object(fields) => fields.clone(),
        other => {
            let mut m = serde_json::Map::new();
            m.insert("value".into(), other.clone());
            m
        }
    };
    data.insert("order_no".into(), order_no.map_or(Value::Null, |o| Value::String(o.to_owned())));
    data.insert("source_event_id".into(), Value::String(ev.id.to_string()));
    data.insert("occurred_at".into(), serde_json::to_value(ev.occurred_at).unwrap_or(Value::Null));
    Value::Object(data)
}
