//! One received text frame → the text frame to answer (if any). A bad frame is answered with a
//! CALLERROR when its message id is readable and never ends the connection.

use crate::csms::handle::{handle_call, Caller};
use crate::frame::{Frame, FrameError};
use crate::incoming::ChargePointCall;
use crate::ingest::CsmsUnits;
use chrono::{DateTime, Utc};
use mgc_charging::{ChargingSettings, FrameRef};

/// Answers one text frame of `caller` received at `now`: a CALLRESULT or CALLERROR for a CALL,
/// a CALLERROR for a malformed frame with a readable id, nothing otherwise (answers to calls
/// the CSMS never sent, frames without a readable id).
pub async fn answer<U: CsmsUnits>(
    units: &U,
    settings: &ChargingSettings,
    caller: &Caller,
    text: &str,
    now: DateTime<Utc>,
) -> Option<String> {
    answer_parsed(units, settings, caller, Frame::parse(text), now).await
}

/// [`answer`] for a frame already parsed (the connection reads answers to its own calls first).
pub async fn answer_parsed<U: CsmsUnits>(
    units: &U,
    settings: &ChargingSettings,
    caller: &Caller,
    parsed: Result<Frame, FrameError>,
    now: DateTime<Utc>,
) -> Option<String> {
    let frame = match parsed {
        Ok(frame) => frame,
        Err(e) => {
            tracing::warn!(identity = %caller.identity, error = %e, "malformed OCPP frame");
            return e.to_call_error().map(|f| f.to_text());
        }
    };
    let Frame::Call { id, action, payload } = frame else {
        tracing::debug!(identity = %caller.identity, id = frame.id(), "answer to no call of ours; ignored");
        return None;
    };
    let result = match ChargePointCall::parse(&action, &payload) {
        Ok(call) => {
            handle_call(units, settings, caller, call, &FrameRef::ocpp(id.as_str(), action.as_str()), now).await
        }
        Err(violation) => Err(violation),
    };
    let reply = match result {
        Ok(payload) => Frame::CallResult { id, payload },
        Err(violation) => {
            tracing::info!(identity = %caller.identity, action, %violation, "OCPP call refused");
            Frame::violation(&id, &violation)
        }
    };
    Some(reply.to_text())
}
