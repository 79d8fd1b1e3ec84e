//! A StopTransaction that matched no running session: kept for review instead of being lost.

use crate::domain::named::named_enum;
use crate::{ChargePointId, IdToken, StopReason, TransactionId};
use chrono::{DateTime, Utc};
use mgc_kernel::{TenantId, Wh};
use serde::Serialize;

named_enum! {
    /// Why a stop matched no running session.
    pub enum UnmatchedStopKind {
        /// No session of the tenant has the transaction id.
        UnknownTransaction => "unknown_transaction",
        /// The session had already ended with other values (e.g. closed at a reboot).
        AfterEnd => "after_end",
    }
}

/// A stop the charge point sent that changed no session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnmatchedStop {
    /// Owner tenant.
    #[serde(skip)]
    pub tenant: TenantId,
    /// The charge point that sent it.
    pub charge_point_id: ChargePointId,
    /// Transaction id it named.
    pub transaction_id: TransactionId,
    /// Why it matched nothing.
    pub kind: UnmatchedStopKind,
    /// Meter register at stop.
    pub meter_stop: Wh,
    /// When it stopped by the charge point's clock.
    pub stopped_at: DateTime<Utc>,
    /// Stop reason it gave.
    pub reason: Option<StopReason>,
    /// Tag that stopped it.
    pub id_tag: Option<IdToken>,
    /// When it was received.
    pub received_at: DateTime<Utc>,
}
