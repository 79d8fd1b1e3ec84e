//! Read and housekeeping ports of the audit trail (implemented by `mgc-store`).

use crate::{ChargePointId, SessionId, TimeRange, TimelineEvent};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{RepoError, Scope};

/// Timeline queries for the API, scoped in SQL: the charge point or session must be in scope.
#[async_trait]
pub trait TimelineQueries: Send + Sync {
    /// Events of a session in scope within `range`, in append order; none when the session is not in scope.
    async fn session_timeline(
        &self,
        scope: &Scope,
        id: SessionId,
        range: TimeRange,
        page: &PageRequest,
    ) -> Result<Option<Page<TimelineEvent>>, RepoError>;
    /// Events of a charge point in scope within `range`, in append order; none when it is not in scope.
    async fn charge_point_timeline(
        &self,
        scope: &Scope,
        id: ChargePointId,
        range: TimeRange,
        page: &PageRequest,
    ) -> Result<Option<Page<TimelineEvent>>, RepoError>;
}

/// Deleting old timeline events (installation-wide).
#[async_trait]
pub trait TimelinePurge: Send + Sync {
    /// Deletes up to `limit` events: those of ended sessions older than `sessions_before`, and
    /// those without a session older than `events_before`; never an event of a session that has
    /// not ended. Returns how many went.
    async fn purge_timeline(
        &self,
        sessions_before: DateTime<Utc>,
        events_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<u64, RepoError>;
}
