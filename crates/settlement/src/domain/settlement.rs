//! Daily settlements: the day's input, its versions, freezing and adjustments of frozen days.

use super::figures::{DayFigures, FigureDelta};
use super::ids::{AdjustmentId, SettlementId, StatementId, TariffId};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use mgc_contracts::{EnergySlot, SourceVersion, StatisticCalculated};
use mgc_kernel::{Granularity, StationId, StationTz, TenantId};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The newest day statistic of a station, kept so the day can be re-priced without analytics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayInput {
    /// Owning tenant.
    pub tenant: TenantId,
    /// Station.
    pub station_id: StationId,
    /// Local date.
    pub day: NaiveDate,
    /// Station time zone the day is aligned to.
    pub time_zone: StationTz,
    /// First instant of the day (UTC).
    pub start: DateTime<Utc>,
    /// First instant after the day (UTC).
    pub end: DateTime<Utc>,
    /// Version of the day statistic.
    pub stat_version: u32,
    /// 15-minute energy slots.
    pub slots: Vec<EnergySlot>,
    /// Hour statistic versions the day was built from.
    pub sources: Vec<SourceVersion>,
    /// When settlement received it.
    pub received_at: DateTime<Utc>,
}

impl DayInput {
    /// Reads a day event; `Ok(None)` for other granularities. Errors name what is malformed.
    pub fn from_event(
        tenant: &TenantId,
        ev: &StatisticCalculated,
        at: DateTime<Utc>,
    ) -> Result<Option<DayInput>, String> {
        if ev.granularity != Granularity::Day {
            return Ok(None);
        }
        let day = NaiveDate::parse_from_str(&ev.period, "%Y-%m-%d")
            .map_err(|_| format!("period '{}' is not a local date (YYYY-MM-DD)", ev.period))?;
        let time_zone = StationTz::parse(&ev.time_zone).map_err(|e| e.to_string())?;
        if ev.start >= ev.end || ev.end - ev.start > Duration::hours(26) {
            return Err(format!("day {} has an impossible window {} .. {}", ev.period, ev.start, ev.end));
        }
        for (i, s) in ev.slots.iter().enumerate() {
            if s.start >= s.end || s.start < ev.start || s.end > ev.end || s.end - s.start > Duration::minutes(15) {
                return Err(format!("slot {i} ({} .. {}) is not a slot of day {}", s.start, s.end, ev.period));
            }
        }
        Ok(Some(DayInput {
            tenant: tenant.clone(),
            station_id: ev.station_id,
            day,
            time_zone,
            start: ev.start,
            end: ev.end,
            stat_version: ev.version,
            slots: ev.slots.clone(),
            sources: ev.sources.clone(),
            received_at: at,
        }))
    }
}

/// Lifecycle of a daily settlement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettlementState {
    /// No tariff could price the day (the current version says why).
    Unpriced,
    /// Priced; a newer day statistic makes a new version.
    Calculated,
    /// Final; a newer day statistic makes an adjustment instead.
    Frozen,
}

impl SettlementState {
    /// The snake_case name.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            SettlementState::Unpriced => "unpriced",
            SettlementState::Calculated => "calculated",
            SettlementState::Frozen => "frozen",
        }
    }
}

impl fmt::Display for SettlementState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SettlementState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "unpriced" => Ok(SettlementState::Unpriced),
            "calculated" => Ok(SettlementState::Calculated),
            "frozen" => Ok(SettlementState::Frozen),
            other => Err(format!("unknown settlement state '{other}'")),
        }
    }
}

/// Which tariff version priced a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffRef {
    /// Tariff.
    pub tariff_id: TariffId,
    /// Its version.
    pub tariff_version: u32,
}

/// The daily settlement of one station and local day (the current version's state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    /// Id shared by all versions.
    pub id: SettlementId,
    /// Owning tenant.
    pub tenant: TenantId,
    /// Station.
    pub station_id: StationId,
    /// Local date.
    pub day: NaiveDate,
    /// Station time zone.
    pub time_zone: StationTz,
    /// First instant of the day (UTC).
    pub day_start: DateTime<Utc>,
    /// First instant after the day (UTC).
    pub day_end: DateTime<Utc>,
    /// Lifecycle state.
    pub state: SettlementState,
    /// Current version number.
    pub version: u32,
    /// When it was frozen.
    pub frozen_at: Option<DateTime<Utc>>,
    /// When version 1 was made.
    pub created_at: DateTime<Utc>,
    /// When the state or version last changed.
    pub updated_at: DateTime<Utc>,
}

/// One version of a daily settlement: priced figures, or the reason it is unpriced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementVersion {
    /// Version number (1, 2, ...).
    pub version: u32,
    /// Why this version was made (`statistic v2`, `tariff assigned`, ...).
    pub cause: String,
    /// Day statistic version priced.
    pub stat_version: u32,
    /// Hour statistic versions behind it.
    pub sources: Vec<SourceVersion>,
    /// Tariff version used (absent when unpriced).
    pub tariff: Option<TariffRef>,
    /// The figures (absent when unpriced).
    pub figures: Option<DayFigures>,
    /// Why the day could not be priced.
    pub unpriced_reason: Option<String>,
    /// When the version was made.
    pub calculated_at: DateTime<Utc>,
}

impl SettlementVersion {
    /// True when `other` would record the same result (cause and time aside).
    #[must_use]
    pub fn same_result(&self, other: &SettlementVersion) -> bool {
        self.stat_version == other.stat_version
            && self.sources == other.sources
            && self.tariff == other.tariff
            && self.figures == other.figures
            && self.unpriced_reason == other.unpriced_reason
    }

    /// The state a settlement whose current version is this one is in (unless frozen).
    #[must_use]
    pub fn state(&self) -> SettlementState {
        if self.figures.is_some() {
            SettlementState::Calculated
        } else {
            SettlementState::Unpriced
        }
    }
}

/// A correction of a frozen day: the difference against what was frozen (plus earlier
/// adjustments), picked up by the next statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    /// Id.
    pub id: AdjustmentId,
    /// Owning tenant.
    pub tenant: TenantId,
    /// The frozen settlement.
    pub settlement_id: SettlementId,
    /// Station.
    pub station_id: StationId,
    /// Local date.
    pub day: NaiveDate,
    /// Frozen settlement version the difference is against.
    pub frozen_version: u32,
    /// Why (`statistic v3 after freeze`).
    pub reason: String,
    /// New day statistic version.
    pub stat_version: u32,
    /// New hour statistic versions.
    pub sources: Vec<SourceVersion>,
    /// Tariff version used (the frozen day's).
    pub tariff: TariffRef,
    /// The recomputed figures.
    pub figures: DayFigures,
    /// `figures - (frozen figures + earlier adjustments)`.
    pub delta: FigureDelta,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// Issued statement that consumed it (pending while absent).
    pub statement_id: Option<StatementId>,
}

/// True when a `calculated` settlement of a day ending at `day_end` is due for freezing at `now`.
#[must_use]
pub fn due_for_freeze(day_end: DateTime<Utc>, now: DateTime<Utc>, freeze_after_days: u32) -> bool {
    now >= day_end + Duration::days(i64::from(freeze_after_days))
}
