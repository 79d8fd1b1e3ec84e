//! The server's downlinks on one connection: queued, sent one at a time at least `spacing`
//! apart, each with a fresh message id; an answer with the same physical id, message id and
//! command completes it; without an answer within `ack_timeout` it is resent once with the same
//! message id, then failed (fact sheet §1).

use crate::frame::Frame;
use crate::messages::{cmd, Downlink, Uplink};
use crate::PhysicalId;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::Instant;

/// Downlinks queued on one connection before senders are told it is busy.
pub const MAX_QUEUED: usize = 32;

/// Why a downlink did not get its answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendFailure {
    /// No connection carries frames of this pile.
    #[error("pile {0} is not connected")]
    NotConnected(PhysicalId),
    /// The connection has too many downlinks queued.
    #[error("pile {0} has too many commands queued")]
    Busy(PhysicalId),
    /// Sent, resent once with the same message id, and never answered.
    #[error("pile {pile} did not answer command 0x{command:02X} (sent twice, {waited_s} s apart)")]
    NoAnswer {
        /// The pile.
        pile: PhysicalId,
        /// The command byte.
        command: u8,
        /// Seconds waited for each attempt.
        waited_s: u64,
    },
    /// The connection closed first.
    #[error("the connection closed ({reason}) {}", if *sent { "after the command was sent" } else { "before the command was sent" })]
    Closed {
        /// Whether the frame had been written.
        sent: bool,
        /// Why it closed.
        reason: String,
    },
    /// The caller's deadline passed first.
    #[error("no answer before the command's deadline")]
    TimedOut,
}

/// The answer: the pile's reply, or none for commands that have no reply (0x81).
pub type SendOutcome = Result<Option<Uplink>, SendFailure>;

/// A downlink on its way to a connection.
#[derive(Debug)]
pub struct Outgoing {
    /// The pile addressed.
    pub pile: PhysicalId,
    /// The message.
    pub downlink: Downlink,
    /// Where the outcome goes.
    pub reply: oneshot::Sender<SendOutcome>,
}

#[derive(Debug)]
struct InFlight {
    pile: PhysicalId,
    message_id: u16,
    command: u8,
    bytes: Vec<u8>,
    deadline: Instant,
    resent: bool,
    reply: oneshot::Sender<SendOutcome>,
}

/// The downlinks of one connection.
#[derive(Debug)]
pub struct Outbound {
    queue: VecDeque<Outgoing>,
    in_flight: Option<InFlight>,
    next_id: u16,
    not_before: Instant,
    ack_timeout: Duration,
    spacing: Duration,
}

impl Outbound {
    /// Nothing queued; ids start at `first_id`.
    pub fn new(first_id: u16, ack_timeout: Duration, spacing: Duration) -> Self {
        Self {
            queue: VecDeque::new(),
            in_flight: None,
            next_id: first_id,
            not_before: Instant::now(),
            ack_timeout,
            spacing,
        }
    }

    /// Queues a downlink (refused with [`SendFailure::Busy`] when the queue is full).
    pub fn push(&mut self, out: Outgoing) {
        if self.queue.len() >= MAX_QUEUED {
            let _ = out.reply.send(Err(SendFailure::Busy(out.pile)));
            return;
        }
        self.queue.push_back(out);
    }

    /// The bytes to write now, if any: a resend whose answer is late, or the next queued downlink.
    pub fn poll(&mut self, now: Instant) -> Option<Vec<u8>> {
        if let Some(f) = &mut self.in_flight {
            if now < f.deadline {
                return None;
            }
            if !f.resent {
                f.resent = true;
                f.deadline = now + self.ack_timeout;
                return Some(f.bytes.clone());
            }
            if let Some(f) = self.in_flight.take() {
                let waited_s = self.ack_timeout.as_secs();
                let _ = f.reply.send(Err(SendFailure::NoAnswer { pile: f.pile, command: f.command, waited_s }));
            }
        }
        if now < self.not_before {
            return None;
        }
        while let Some(out) = self.queue.pop_front() {
            if out.reply.is_closed() {
                continue;
            }
            let (command, data) = out.downlink.encode();
            let message_id = self.next_id;
            self.next_id = self.next_id.wrapping_add(1);
            let bytes = match Frame::new(out.pile, message_id, command, data).encode() {
                Ok(bytes) => bytes,
                Err(e) => {
                    let _ = out.reply.send(Err(SendFailure::Closed { sent: false, reason: e.to_string() }));
                    continue;
                }
            };
            self.not_before = now + self.spacing;
            if command == cmd::QUERY_STATE {
                let _ = out.reply.send(Ok(None));
            } else {
                let deadline = now + self.ack_timeout;
                let reply = out.reply;
                self.in_flight = Some(InFlight {
                    pile: out.pile,
                    message_id,
                    command,
                    bytes: bytes.clone(),
                    deadline,
                    resent: false,
                    reply,
                });
            }
            return Some(bytes);
        }
        None
    }

    /// When [`Outbound::poll`] has something to do next.
    pub fn next_deadline(&self) -> Option<Instant> {
        match &self.in_flight {
            Some(f) => Some(f.deadline),
            None if !self.queue.is_empty() => Some(self.not_before),
            None => None,
        }
    }

    /// Completes the downlink `frame` answers; false when it answers none of ours.
    pub fn on_answer(&mut self, frame: &Frame, answer: &Uplink) -> bool {
        let ours = self.in_flight.as_ref().is_some_and(|f| {
            f.pile == frame.physical_id && f.message_id == frame.message_id && f.command == frame.command
        });
        if ours {
            if let Some(f) = self.in_flight.take() {
                let _ = f.reply.send(Ok(Some(answer.clone())));
            }
        }
        ours
    }

    /// Fails everything still queued or in flight.
    pub fn close(&mut self, reason: &str) {
        if let Some(f) = self.in_flight.take() {
            let _ = f.reply.send(Err(SendFailure::Closed { sent: true, reason: reason.to_owned() }));
        }
        for out in self.queue.drain(..) {
            let _ = out.reply.send(Err(SendFailure::Closed { sent: false, reason: reason.to_owned() }));
        }
    }
}
