//! Read-side port of the charging statistics, scoped in SQL like every charging query.

use super::command_stats::CommandFact;
use super::stats::SessionFact;
use crate::{ChargePoint, Connector};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_kernel::{RepoError, Scope, StationId};

/// What the charging statistics read.
#[async_trait]
pub trait ChargingStatsQueries: Send + Sync {
    /// Piles in scope (of one station when given) and all their connectors.
    async fn fleet(
        &self,
        scope: &Scope,
        station: Option<StationId>,
    ) -> Result<(Vec<ChargePoint>, Vec<Connector>), RepoError>;
    /// Sessions in scope started at `station` from `from` (inclusive) to `to` (exclusive).
    async fn session_facts(
        &self,
        scope: &Scope,
        station: StationId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<SessionFact>, RepoError>;
    /// Commands in scope issued from `from` (inclusive) to `to` (exclusive) to devices linked
    /// to a charge point (of `station` when given).
    async fn command_facts(
        &self,
        scope: &Scope,
        station: Option<StationId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<CommandFact>, RepoError>;
}
