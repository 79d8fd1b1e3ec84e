//! CSMS → charge point calls on one connection: queued in arrival order, written one at a time
//! (OCPP-J allows a single outstanding CALL per direction), matched to their CALLRESULT or
//! CALLERROR by message id, failed at their deadline, and failed when the connection ends.

use crate::frame::Frame;
use crate::ErrorCode;
use serde_json::Value;
use std::collections::VecDeque;
use tokio::sync::oneshot;
use tokio::time::Instant;

/// Most calls waiting behind the outstanding one on a connection (more are refused as busy).
pub const MAX_QUEUED_CALLS: usize = 64;

/// The charge point's answer to a CSMS call.
#[derive(Debug, Clone, PartialEq)]
pub enum CallReply {
    /// CALLRESULT payload (not yet validated against the action's response schema).
    Result(Value),
    /// CALLERROR.
    Error {
        /// Error code.
        code: ErrorCode,
        /// Description.
        description: String,
    },
}

/// Why a CSMS call got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallFailure {
    /// The charge point has no open connection to this instance.
    #[error("charge point {0} is not connected")]
    NotConnected(String),
    /// Too many calls are already waiting on the connection.
    #[error("too many calls are waiting for charge point {0}")]
    Busy(String),
    /// The deadline passed; `sent` tells whether the CALL had been written.
    #[error("no answer before the deadline ({})", if *.sent { "the call was sent" } else { "the call was still queued behind another one" })]
    TimedOut {
        /// The CALL reached the socket.
        sent: bool,
    },
    /// The connection ended first; `sent` tells whether the CALL had been written.
    #[error("the connection closed ({reason}) {}", if *.sent { "before the charge point answered" } else { "before the call was sent" })]
    Closed {
        /// The CALL reached the socket.
        sent: bool,
        /// Why the connection ended.
        reason: String,
    },
}

/// What a call ends with.
pub type CallOutcome = Result<CallReply, CallFailure>;

/// One call handed to a connection.
#[derive(Debug)]
pub struct OutboundCall {
    /// Action name.
    pub action: String,
    /// Payload (validated by the sender).
    pub payload: Value,
    /// The answer must come before this.
    pub deadline: Instant,
    /// Where the outcome goes.
    pub reply: oneshot::Sender<CallOutcome>,
}

impl OutboundCall {
    fn finish(self, outcome: CallOutcome) {
        // The caller may have stopped waiting: nothing left to tell.
        let _ = self.reply.send(outcome);
    }
}

#[derive(Debug)]
struct Outstanding {
    id: String,
    call: OutboundCall,
}

/// The calls of one connection: at most one outstanding, the rest queued.
#[derive(Debug)]
pub struct CallQueue {
    prefix: String,
    next: u64,
    queued: VecDeque<OutboundCall>,
    outstanding: Option<Outstanding>,
}

impl CallQueue {
    /// An empty queue whose message ids start with `prefix` (unique per connection).
    pub fn new(prefix: impl Into<String>) -> Self {
        Self { prefix: prefix.into(), next: 0, queued: VecDeque::new(), outstanding: None }
    }

    /// Queues `call`; refused as busy when [`MAX_QUEUED_CALLS`] are already waiting.
    pub fn push(&mut self, call: OutboundCall, identity: &str) {
        if self.queued.len() >= MAX_QUEUED_CALLS {
            call.finish(Err(CallFailure::Busy(identity.to_owned())));
        } else {
            self.queued.push_back(call);
        }
    }

    /// True while a CALL waits for its answer.
    pub fn is_outstanding(&self) -> bool {
        self.outstanding.is_some()
    }

    /// Number of calls waiting behind the outstanding one.
    pub fn queued(&self) -> usize {
        self.queued.len()
    }

    /// The next CALL frame to write, when none is outstanding; it becomes the outstanding one.
    /// Queued calls whose deadline passed, or whose caller stopped waiting, are dropped first.
    pub fn next_frame(&mut self, now: Instant) -> Option<String> {
        if self.outstanding.is_some() {
            return None;
        }
        while let Some(call) = self.queued.pop_front() {
            if call.reply.is_closed() {
                continue;
            }
            if call.deadline <= now {
                call.finish(Err(CallFailure::TimedOut { sent: false }));
                continue;
            }
            self.next += 1;
            let id = format!("{}-{}", self.prefix, self.next);
            let frame = Frame::Call { id: id.clone(), action: call.action.clone(), payload: call.payload.clone() };
            self.outstanding = Some(Outstanding { id, call });
            return Some(frame.to_text());
        }
        None
    }

    /// Takes a CALLRESULT or CALLERROR; true when it answered the outstanding call (an answer
    /// to any other id, or a CALL, changes nothing).
    pub fn on_answer(&mut self, frame: &Frame) -> bool {
        let reply = match frame {
            Frame::CallResult { payload, .. } => CallReply::Result(payload.clone()),
            Frame::CallError { code, description, .. } => {
                CallReply::Error { code: *code, description: description.clone() }
            }
            Frame::Call { .. } => return false,
        };
        match self.outstanding.take() {
            Some(o) if o.id == frame.id() => {
                o.call.finish(Ok(reply));
                true
            }
            other => {
                self.outstanding = other;
                false
            }
        }
    }

    /// Fails the calls whose deadline is at or before `now` (outstanding or queued).
    pub fn expire(&mut self, now: Instant) {
        if self.outstanding.as_ref().is_some_and(|o| o.call.deadline <= now) {
            if let Some(o) = self.outstanding.take() {
                o.call.finish(Err(CallFailure::TimedOut { sent: true }));
            }
        }
        let (due, waiting): (VecDeque<_>, VecDeque<_>) = self.queued.drain(..).partition(|c| c.deadline <= now);
        self.queued = waiting;
        for call in due {
            call.finish(Err(CallFailure::TimedOut { sent: false }));
        }
    }

    /// The earliest deadline of a call still waiting.
    pub fn next_deadline(&self) -> Option<Instant> {
        let outstanding = self.outstanding.as_ref().map(|o| o.call.deadline);
        self.queued.iter().map(|c| c.deadline).chain(outstanding).min()
    }

    /// The outstanding CALL could not be written: it fails as not sent.
    pub fn unsent(&mut self, reason: &str) {
        if let Some(o) = self.outstanding.take() {
            o.call.finish(Err(CallFailure::Closed { sent: false, reason: reason.to_owned() }));
        }
    }

    /// The connection ended: every call fails (the outstanding one as sent).
    pub fn close(&mut self, reason: &str) {
        if let Some(o) = self.outstanding.take() {
            o.call.finish(Err(CallFailure::Closed { sent: true, reason: reason.to_owned() }));
        }
        for call in self.queued.drain(..) {
            call.finish(Err(CallFailure::Closed { sent: false, reason: reason.to_owned() }));
        }
    }
}

#[cfg(test)]
#[path = "outbound_tests.rs"]
mod tests;
