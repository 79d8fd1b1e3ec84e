//! BootNotification: register or refresh the charge point, decide its registration status, and
//! close the sessions a reboot left open.

use crate::app::arrival::mark_seen;
use crate::app::link::link_charger;
use crate::app::{events, persist, trail};
use crate::domain::charge_point::registration_for_boot;
use crate::{
    BootInfo, ChargePoint, ChargePointId, ChargerType, ChargingError, ChargingSettings, ChargingTx, OcppIdentity,
    Protocol, RegistrationStatus, StopReason, TimelineKind, TransactionId,
};
use chrono::{DateTime, Utc};
use mgc_eventing::emit;
use mgc_kernel::TenantId;

/// The answer to a boot.
#[derive(Debug, Clone, PartialEq)]
pub struct BootDecision {
    /// The charge point.
    pub charge_point_id: ChargePointId,
    /// Registration status to answer.
    pub status: RegistrationStatus,
    /// Heartbeat interval (accepted) or boot retry interval (pending, rejected), in seconds.
    pub interval_s: u32,
    /// The CSMS's time, to answer as `currentTime`.
    pub current_time: DateTime<Utc>,
    /// True when the identity was not known before.
    pub first_boot: bool,
    /// Sessions closed because the charge point booted while they were open.
    pub closed_sessions: Vec<TransactionId>,
}

/// Handles a BootNotification of `identity` received at `now`, and commits.
pub async fn boot<T: ChargingTx>(
    tx: T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    info: BootInfo,
    settings: &ChargingSettings,
    now: DateTime<Utc>,
) -> Result<BootDecision, ChargingError> {
    boot_as(tx, tenant, identity, Protocol::Ocpp16J, info, settings, now).await
}

/// [`boot`] of a charge point speaking `protocol` (recorded when it is first seen), e.g. an
/// AP3000 pile's register.
pub async fn boot_as<T: ChargingTx>(
    mut tx: T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    protocol: Protocol,
    info: BootInfo,
    settings: &ChargingSettings,
    now: DateTime<Utc>,
) -> Result<BootDecision, ChargingError> {
    let known = tx.charge_point_by_identity(tenant, identity).await?;
    let first_boot = known.is_none();
    let mut cp = match known {
        Some(cp) => cp,
        None => {
            let status = registration_for_boot(None, settings.accept_unknown);
            let mut cp = ChargePoint::register(tenant.clone(), identity.clone(), status, now);
            cp.protocol = protocol;
            cp.charger_type = ChargerType::default_for(protocol);
            tx.insert_charge_point(&cp).await?;
            cp
        }
    };
    cp.record_boot(info, now);
    link_charger(&mut tx, &mut cp, now).await?;
    mark_seen(&mut tx, &mut cp, "BootNotification", now).await?;
    let mut closed_sessions = Vec::new();
    // An OCPP BootNotification means the charge point restarted: its transactions are gone. An
    // AP3000 pile registers on every new connection (a network blip, another instance) while it
    // may go on charging; its sessions end with the settlement it uploads for each order.
    let open = match cp.protocol {
        Protocol::Ocpp16J => tx.open_sessions(tenant, cp.id).await?,
        Protocol::Ap3000 => Vec::new(),
    };
    for mut session in open {
        let why = "the charge point booted while the session was open";
        persist::close_session(&mut tx, &mut session, StopReason::ClosedAtBoot, why, now).await?;
        closed_sessions.push(session.transaction_id);
    }
    emit(&mut tx, tenant, &events::registered(&cp, first_boot, now), now).await?;
    let boot = cp.boot_info.as_ref();
    let details = serde_json::json!({
        "status": cp.registration.as_str(),
        "first_boot": first_boot,
        "protocol": cp.protocol.as_str(),
        "vendor": boot.map(|b| b.vendor.as_str()),
        "model": boot.map(|b| b.model.as_str()),
        "firmware_version": boot.and_then(|b| b.firmware_version.as_deref()),
        "closed_sessions": closed_sessions.iter().map(|t| t.0).collect::<Vec<_>>(),
    });
    trail::of_charge_point(&mut tx, &cp, TimelineKind::Registered, details, now).await?;
    tx.commit().await?;
    let interval_s = match cp.registration {
        RegistrationStatus::Accepted => settings.heartbeat_interval_s,
        RegistrationStatus::Pending | RegistrationStatus::Rejected => settings.boot_retry_interval_s,
    };
    Ok(BootDecision {
        charge_point_id: cp.id,
        status: cp.registration,
        interval_s,
        current_time: now,
        first_boot,
        closed_sessions,
    })
}
