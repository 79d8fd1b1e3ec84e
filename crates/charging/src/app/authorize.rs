//! Authorize: decide whether an id tag may charge.

use crate::app::arrival::{arrive, Needs};
use crate::app::trail;
use crate::domain::id_tag::authorize as decide;
use crate::{AuthorizationStatus, ChargingError, ChargingTx, IdTagInfo, IdToken, OcppIdentity, TimelineKind};
use chrono::{DateTime, Utc};
use mgc_kernel::TenantId;

/// Decides on `tag` for `identity` at `now` (unknown: `invalid`; past expiry: `expired`; already
/// in a running session: `concurrent_tx`), and commits.
pub async fn authorize<T: ChargingTx>(
    mut tx: T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    tag: &IdToken,
    now: DateTime<Utc>,
) -> Result<IdTagInfo, ChargingError> {
    let cp = arrive(&mut tx, tenant, identity, Needs::Accepted, now).await?;
    let mut info = decide(tx.id_tag(tenant, tag).await?.as_ref(), now);
    if info.status == AuthorizationStatus::Accepted && tx.tag_has_open_session(tenant, tag).await? {
        info.status = AuthorizationStatus::ConcurrentTx;
    }
    let details = serde_json::json!({ "id_tag": tag.as_str(), "status": info.status.as_str() });
    trail::of_charge_point(&mut tx, &cp, TimelineKind::Authorized, details, now).await?;
    tx.commit().await?;
    Ok(info)
}
