//! StartTransaction: open a charging session, idempotent for a start re-sent after a reconnect.

use crate::app::arrival::{arrive, Needs};
use crate::app::{events, persist, trail};
use crate::domain::id_tag::authorize;
use crate::{
    AuthorizationStatus, ChargingError, ChargingSession, ChargingTx, IdTagInfo, IdToken, NewSession, OcppIdentity,
    Protocol, SessionId, StopReason, TimelineKind, TransactionId,
};
use chrono::{DateTime, Utc};
use mgc_eventing::emit;
use mgc_kernel::{TenantId, Wh};
use serde_json::json;

/// A StartTransaction as the charging context sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct StartRequest {
    /// Connector number (1 or more).
    pub connector: u32,
    /// Tag that started it.
    pub id_tag: IdToken,
    /// Register at start.
    pub meter_start: Wh,
    /// Start by the charge point's clock.
    pub started_at: DateTime<Utc>,
    /// Reservation it used.
    pub reservation_id: Option<i32>,
}

/// The answer to a start.
#[derive(Debug, Clone, PartialEq)]
pub struct StartOutcome {
    /// Transaction id to answer.
    pub transaction_id: TransactionId,
    /// The session.
    pub session_id: SessionId,
    /// Authorization of the tag to answer.
    pub id_tag_info: IdTagInfo,
    /// False when this start was already recorded (a re-sent StartTransaction).
    pub created: bool,
    /// Sessions still open on the connector that this start closed.
    pub superseded: Vec<TransactionId>,
}

/// Handles a StartTransaction of `identity` received at `now`, and commits. The same start
/// (connector, start time, tag, meter) re-sent returns the same transaction id and creates nothing.
/// A session refused by its tag is still opened (the charge point runs it until it stops it)
/// and ends `failed`.
pub async fn start_transaction<T: ChargingTx>(
    mut tx: T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    req: StartRequest,
    now: DateTime<Utc>,
) -> Result<StartOutcome, ChargingError> {
    if req.connector == 0 {
        return Err(ChargingError::invalid("connector", "a transaction needs a connector number of 1 or more"));
    }
    let cp = arrive(&mut tx, tenant, identity, Needs::Accepted, now).await?;
    let tag = tx.id_tag(tenant, &req.id_tag).await?;
    let mut id_tag_info = authorize(tag.as_ref(), now);
    if let Some(existing) = tx.session_by_start(tenant, cp.id, req.connector, req.started_at).await? {
        if existing.id_tag == req.id_tag && existing.meter_start == req.meter_start {
            tx.commit().await?;
            id_tag_info.status = existing.authorization;
            return Ok(StartOutcome {
                transaction_id: existing.transaction_id,
                session_id: existing.id,
                id_tag_info,
                created: false,
                superseded: Vec::new(),
            });
        }
    }
    let mut superseded = Vec::new();
    for mut old in tx.open_sessions(tenant, cp.id).await?.into_iter().filter(|s| s.connector == req.connector) {
        let why = "a new transaction started on the same connector before this one was stopped";
        persist::close_session(&mut tx, &mut old, StopReason::Superseded, why, now).await?;
        superseded.push(old.transaction_id);
    }
    let transaction_id = tx.next_transaction_id(tenant).await?.ok_or(ChargingError::Exhausted("transaction ids"))?;
    let (session, _) = ChargingSession::start(
        NewSession {
            tenant: tenant.clone(),
            charge_point_id: cp.id,
            station_id: cp.station_id,
            transaction_id,
            connector: req.connector,
            id_tag: req.id_tag,
            authorization: id_tag_info.status,
            reservation_id: req.reservation_id,
            meter_start: req.meter_start,
            started_at: req.started_at,
        },
        now,
    );
    tx.insert_session(&session).await?;
    emit(&mut tx, tenant, &events::session_started(&session), now).await?;
    let details = json!({
        "transaction_id": transaction_id.0,
        "id_tag": session.id_tag.as_str(),
        "authorization": session.authorization.as_str(),
        "meter_start_wh": session.meter_start.0,
        "started_at": session.started_at,
    });
    trail::of_session(&mut tx, &session, TimelineKind::StartRequested, details, now).await?;
    let ids = json!({ "transaction_id": transaction_id.0, "authorization": session.authorization.as_str() });
    if session.authorization != AuthorizationStatus::Accepted {
        trail::of_session(&mut tx, &session, TimelineKind::StartRefused, ids, now).await?;
    } else if cp.protocol == Protocol::Ocpp16J {
        // An OCPP charge point already charges when it sends StartTransaction; an AP3000 pile
        // starts only when it acknowledges the start command (see `steps::start_answered`).
        trail::of_session(&mut tx, &session, TimelineKind::StartAccepted, ids, now).await?;
    }
    tx.commit().await?;
    Ok(StartOutcome { transaction_id, session_id: session.id, id_tag_info, created: true, superseded })
}
