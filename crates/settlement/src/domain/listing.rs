//! What the settlement and statement lists ask for: filters and the caller's station scope.

use chrono::NaiveDate;
use mgc_kernel::StationId;

/// Settlements of local days in `[from, to]`, optionally of one station, within a scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementFilter {
    /// Only this station.
    pub station: Option<StationId>,
    /// The caller's station scope (`None`: every station of the tenant).
    pub scope: Option<Vec<StationId>>,
    /// First local date.
    pub from: NaiveDate,
    /// Last local date (inclusive).
    pub to: NaiveDate,
}

/// Statements, optionally of one station and/or month (`YYYY-MM`), within a scope.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatementFilter {
    /// Only this station.
    pub station: Option<StationId>,
    /// Only this month.
    pub month: Option<String>,
    /// The caller's station scope (`None`: every station of the tenant).
    pub scope: Option<Vec<StationId>>,
}
