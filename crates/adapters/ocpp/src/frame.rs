//! OCPP-J frames: `[2, id, action, payload]` (CALL), `[3, id, payload]` (CALLRESULT) and
//! `[4, id, code, description, details]` (CALLERROR).

use crate::schema::Violation;
use crate::ErrorCode;
use serde_json::{json, Map, Value};

/// Longest message id OCPP-J allows.
pub const MAX_MESSAGE_ID_LEN: usize = 36;

/// One parsed OCPP-J message.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// A request.
    Call {
        /// Message id, echoed by the answer.
        id: String,
        /// Action name (`BootNotification`, ...).
        action: String,
        /// Payload object (not yet validated against the action's schema).
        payload: Value,
    },
    /// A successful answer.
    CallResult {
        /// Id of the call answered.
        id: String,
        /// Payload object.
        payload: Value,
    },
    /// An error answer.
    CallError {
        /// Id of the call answered.
        id: String,
        /// Error code (an unknown one reads as GenericError).
        code: ErrorCode,
        /// Description.
        description: String,
        /// Details object.
        details: Value,
    },
}

/// Why a text frame is not an OCPP-J message; `message_id` is set when one could be read, so
/// the receiver can answer with a CALLERROR.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {description}")]
pub struct FrameError {
    /// Id of the message, when readable.
    pub message_id: Option<String>,
    /// The CALLERROR code it calls for.
    pub code: ErrorCode,
    /// What is wrong.
    pub description: String,
}

impl FrameError {
    fn new(message_id: Option<&str>, code: ErrorCode, description: impl Into<String>) -> Self {
        Self { message_id: message_id.map(str::to_owned), code, description: description.into() }
    }

    /// The CALLERROR answering the bad frame, when it had a readable id.
    pub fn to_call_error(&self) -> Option<Frame> {
        let id = self.message_id.clone()?;
        Some(Frame::CallError { id, code: self.code, description: self.description.clone(), details: json!({}) })
    }
}

impl Frame {
    /// Parses a WebSocket text frame. Never panics, whatever the input.
    pub fn parse(text: &str) -> Result<Frame, FrameError> {
        use ErrorCode::{FormationViolation, ProtocolError};
        let value: Value = serde_json::from_str(text)
            .map_err(|e| FrameError::new(None, FormationViolation, format!("not JSON: {e}")))?;
        let items = value.as_array().ok_or_else(|| FrameError::new(None, FormationViolation, "not a JSON array"))?;
        let kind = items.first().and_then(Value::as_u64).ok_or_else(|| {
            FrameError::new(None, FormationViolation, "element 0 must be the message type (2, 3 or 4)")
        })?;
        let id = items
            .get(1)
            .and_then(Value::as_str)
            .ok_or_else(|| FrameError::new(None, FormationViolation, "element 1 must be the message id string"))?;
        if id.is_empty() || id.chars().count() > MAX_MESSAGE_ID_LEN {
            return Err(FrameError::new(Some(id), ProtocolError, "message id must be 1 to 36 characters"));
        }
        let arity = |n: usize, shape: &str| {
            if items.len() == n {
                Ok(())
            } else {
                Err(FrameError::new(Some(id), FormationViolation, format!("must be {shape}")))
            }
        };
        let object = |i: usize, what: &str| match items.get(i) {
            Some(v @ Value::Object(_)) => Ok(v.clone()),
            _ => Err(FrameError::new(Some(id), FormationViolation, format!("{what} must be a JSON object"))),
        };
        let text_at = |i: usize, what: &str| {
            items
                .get(i)
                .and_then(Value::as_str)
                .ok_or_else(|| FrameError::new(Some(id), FormationViolation, format!("{what} must be a string")))
        };
        match kind {
            2 => {
                arity(4, "[2, id, action, payload]")?;
                Ok(Frame::Call {
                    id: id.to_owned(),
                    action: text_at(2, "action")?.to_owned(),
                    payload: object(3, "payload")?,
                })
            }
            3 => {
                arity(3, "[3, id, payload]")?;
                Ok(Frame::CallResult { id: id.to_owned(), payload: object(2, "payload")? })
            }
            4 => {
                arity(5, "[4, id, errorCode, errorDescription, errorDetails]")?;
                Ok(Frame::CallError {
                    id: id.to_owned(),
                    code: ErrorCode::parse(text_at(2, "errorCode")?),
                    description: text_at(3, "errorDescription")?.to_owned(),
                    details: object(4, "errorDetails")?,
                })
            }
            other => Err(FrameError::new(Some(id), ProtocolError, format!("unknown message type {other}"))),
        }
    }

    /// The message id.
    pub fn id(&self) -> &str {
        match self {
            Frame::Call { id, .. } | Frame::CallResult { id, .. } | Frame::CallError { id, .. } => id,
        }
    }

    /// The CALLERROR answering call `id` for a payload that failed validation.
    pub fn violation(id: &str, violation: &Violation) -> Frame {
        let mut details = Map::new();
        if !violation.field.is_empty() {
            details.insert("field".into(), Value::String(violation.field.clone()));
        }
        Frame::CallError {
            id: id.to_owned(),
            code: violation.code,
            description: violation.description(),
            details: Value::Object(details),
        }
    }

    /// The frame as JSON text.
    pub fn to_text(&self) -> String {
        let value = match self {
            Frame::Call { id, action, payload } => json!([2, id, action, payload]),
            Frame::CallResult { id, payload } => json!([3, id, payload]),
            Frame::CallError { id, code, description, details } => {
                json!([4, id, code.as_str(), description, details])
            }
        };
        value.to_string()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn given_real_frames_when_parsed_then_typed_and_written_back_identically() {
        let frames = [
            r#"[2,"19223201","BootNotification",{"chargePointVendor":"VendorX","chargePointModel":"SingleSocketCharger"}]"#,
            r#"[3,"19223201",{"currentTime":"2026-03-01T12:00:00Z","interval":300,"status":"Accepted"}]"#,
            r#"[4,"162376037","NotSupported","SetDisplayMessageRequest not implemented",{}]"#,
        ];
        for text in frames {
            let f = Frame::parse(text).unwrap();
            assert_eq!(Frame::parse(&f.to_text()).unwrap(), f);
        }
        let call = Frame::parse(frames[0]).unwrap();
        assert!(matches!(&call, Frame::Call { action, .. } if action == "BootNotification"));
        assert_eq!(call.id(), "19223201");
    }

    #[test]
    fn given_malformed_frames_when_parsed_then_code_and_id_when_readable() {
        use ErrorCode::*;
        let cases = [
            ("not json", FormationViolation, None),
            (r#"{"a":1}"#, FormationViolation, None),
            ("[]", FormationViolation, None),
            (r#"["2","id","Heartbeat",{}]"#, FormationViolation, None),
            (r#"[2,17,"Heartbeat",{}]"#, FormationViolation, None),
            (r#"[2,"id1","Heartbeat"]"#, FormationViolation, Some("id1")),
            (r#"[2,"id1","Heartbeat",[]]"#, FormationViolation, Some("id1")),
            (r#"[2,"id1",5,{}]"#, FormationViolation, Some("id1")),
            (r#"[3,"id1",{},{}]"#, FormationViolation, Some("id1")),
            (r#"[4,"id1","GenericError","x"]"#, FormationViolation, Some("id1")),
            (r#"[5,"id1",{}]"#, ProtocolError, Some("id1")),
            (r#"[2,"","Heartbeat",{}]"#, ProtocolError, Some("")),
            (r#"[2,"0123456789012345678901234567890123456","Heartbeat",{}]"#, ProtocolError, None),
        ];
        for (text, code, id) in cases {
            let e = Frame::parse(text).unwrap_err();
            assert_eq!(e.code, code, "{text}");
            if let Some(id) = id {
                assert_eq!(e.message_id.as_deref(), Some(id), "{text}");
            }
        }
    }

    #[test]
    fn given_frame_error_with_id_then_call_error_echoes_it() {
        let e = Frame::parse(r#"[9,"abc",{}]"#).unwrap_err();
        let text = e.to_call_error().unwrap().to_text();
        assert!(text.starts_with(r#"[4,"abc","ProtocolError","#), "{text}");
        assert!(Frame::parse("nope").unwrap_err().to_call_error().is_none());
    }

    proptest! {
        #[test]
        fn any_string_never_panics_the_parser(s in ".{0,200}") {
            let _ = Frame::parse(&s);
        }

        #[test]
        fn any_json_array_never_panics_the_parser(v in json_value(3)) {
            let _ = Frame::parse(&v.to_string());
            let wrapped = serde_json::json!([2, "id", "MeterValues", v]).to_string();
            let _ = Frame::parse(&wrapped);
        }
    }

    /// Arbitrary JSON values up to `depth` levels.
    pub fn json_value(depth: u32) -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(depth, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map("[a-zA-Z]{1,8}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }
}
