//! What the gateway does with a pile's reports: a [`PileHandler`] answers each one (the charging
//! mapping is one; [`ProtocolReplies`] only answers what the protocol says must be answered).

use crate::messages::{Ack, CardReply, Downlink, TimeReply, Uplink};
use crate::PhysicalId;
use async_trait::async_trait;

/// Handles the reports of piles (not the answers to the server's own downlinks).
#[async_trait]
pub trait PileHandler: Send + Sync + 'static {
    /// Handles one report of `pile` that came in the frame with `message_id`; returns the answer
    /// to send back (same message id).
    async fn report(&self, pile: PhysicalId, message_id: u16, report: Uplink) -> Option<Downlink>;

    /// The piles whose connection closed (and that did not move to another connection).
    async fn gone(&self, piles: Vec<PhysicalId>);
}

/// The answer the protocol requires to `report`, accepting it: one-byte ok for register,
/// heartbeats and settlements, the time for a time request, "ok, timed, no balance" for a card
/// swipe, "received" for a legacy order confirmation; none for reports without reply.
pub fn protocol_reply(report: &Uplink, unix_now: u32) -> Option<Downlink> {
    let ok = |command| Some(Downlink::Reply { command, ack: Ack::ok() });
    match report {
        Uplink::Register(_) => ok(crate::messages::cmd::REGISTER),
        Uplink::Heartbeat(_) => ok(crate::messages::cmd::HEARTBEAT),
        Uplink::LegacyHeartbeat(_) => ok(crate::messages::cmd::LEGACY_HEARTBEAT),
        Uplink::Settlement(_) => ok(crate::messages::cmd::SETTLEMENT),
        Uplink::TimeRequest { command, .. } => {
            Some(Downlink::Time { command: *command, time: TimeReply { unix: unix_now, rest: Vec::new() } })
        }
        Uplink::CardSwipe(swipe) => Some(card_reply(swipe.card, swipe.port, 0, 0)),
        Uplink::OrderConfirm(confirm) => {
            Some(Downlink::Unknown { command: crate::messages::cmd::ORDER_CONFIRM, data: vec![confirm.port, 0] })
        }
        _ => None,
    }
}

/// The answer to a card swipe on `port` with account `status` (0 ok, 1 not registered, ...)
/// and `balance` in fen, timed rate mode.
pub fn card_reply(card: [u8; 4], port: u8, status: u8, balance: u32) -> Downlink {
    Downlink::CardReply(CardReply { card, status, rate_mode: 0, balance, port, rest: Vec::new() })
}

/// A handler that only answers what the protocol requires (no charging context behind it).
#[derive(Debug, Clone, Default)]
pub struct ProtocolReplies;

#[async_trait]
impl PileHandler for ProtocolReplies {
    async fn report(&self, _pile: PhysicalId, _message_id: u16, report: Uplink) -> Option<Downlink> {
        let now = u32::try_from(chrono::Utc::now().timestamp()).unwrap_or(0);
        protocol_reply(&report, now)
    }

    async fn gone(&self, _piles: Vec<PhysicalId>) {}
}
