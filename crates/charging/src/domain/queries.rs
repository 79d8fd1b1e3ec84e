//! Read-side port of charging: charge points and sessions for the API, scoped in SQL by tenant
//! and, for a station-scoped caller, by station (unassigned charge points are then not visible).

use crate::{
    AuthorizationStatus, ChargePoint, ChargePointId, ChargerType, ChargingSession, IdTag, IdToken, RegistrationStatus,
    SessionId,
};
use async_trait::async_trait;
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{RepoError, Scope, TenantId};

/// Which charge points a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChargePointFilter {
    /// Only those with this registration (e.g. `pending`: the ones waiting for adoption).
    pub registration: Option<RegistrationStatus>,
    /// Only those of this charger type.
    pub charger_type: Option<ChargerType>,
}

/// Which id tags a list shows.
#[derive(Debug, Clone, Default)]
pub struct IdTagFilter {
    /// Only tags with this stored status.
    pub status: Option<AuthorizationStatus>,
    /// Only tags starting with this text (case-insensitive, as tags compare).
    pub prefix: Option<String>,
}

/// Queries of the charging read side.
#[async_trait]
pub trait ChargingQueries: Send + Sync {
    /// Charge points in scope passing `filter`, oldest first.
    async fn list_charge_points(
        &self,
        scope: &Scope,
        filter: ChargePointFilter,
        page: &PageRequest,
    ) -> Result<Page<ChargePoint>, RepoError>;
    /// One charge point in scope.
    async fn get_charge_point(&self, scope: &Scope, id: ChargePointId) -> Result<Option<ChargePoint>, RepoError>;
    /// Sessions in scope, newest first (without transitions).
    async fn list_sessions(&self, scope: &Scope, page: &PageRequest) -> Result<Page<ChargingSession>, RepoError>;
    /// One session in scope, with its transitions.
    async fn get_session(&self, scope: &Scope, id: SessionId) -> Result<Option<ChargingSession>, RepoError>;
    /// The tenant's id tags passing `filter`, ordered by tag (case-insensitively); the cursor is a tag.
    async fn list_id_tags(
        &self,
        tenant: &TenantId,
        filter: &IdTagFilter,
        page: &PageRequest,
    ) -> Result<Page<IdTag>, RepoError>;
    /// One id tag of the tenant.
    async fn get_id_tag(&self, tenant: &TenantId, tag: &IdToken) -> Result<Option<IdTag>, RepoError>;
}
