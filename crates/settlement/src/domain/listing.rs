//! What the settlement and statement lists ask for (the caller's scope is passed beside them).

use chrono::NaiveDate;
use mgc_kernel::StationId;

/// Settlements of local days in `[from, to]`, optionally of one station (the caller's scope is
/// passed beside the filter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementFilter {
    /// Only this station.
    pub station: Option<StationId>,
    /// First local date.
    pub from: NaiveDate,
    /// Last local date (inclusive).
    pub to: NaiveDate,
}

/// Statements, optionally of one station and/or month (`YYYY-MM`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatementFilter {
    /// Only this station.
    pub station: Option<StationId>,
    /// Only this month.
    pub month: Option<String>,
}
