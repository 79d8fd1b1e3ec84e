//! Tariffs: currency, validity, holidays and separate import and export price schedules;
//! versioned, and assigned to stations from a local date on.

use super::ids::TariffId;
use super::schedule::{DayType, Schedule, ScheduleSpec};
use chrono::{DateTime, NaiveDate, Utc};
use mgc_kernel::{Currency, StationId, TenantId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A tariff as written by the operator (the JSON body of `POST`/`PUT /api/v1/tariffs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TariffSpec {
    /// Display name.
    pub name: String,
    /// ISO-4217 currency of every price.
    pub currency: String,
    /// First local date the tariff may price.
    pub valid_from: NaiveDate,
    /// Last local date the tariff may price (inclusive); open-ended when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    /// Dates priced with the `holiday` layout (or `weekend` when there is none).
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
    /// Prices of energy drawn from the grid.
    pub import: ScheduleSpec,
    /// Prices of energy fed into the grid (feed-in).
    pub export: ScheduleSpec,
}

/// A validated tariff, ready to price days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TariffRules {
    /// Currency of every amount.
    pub currency: Currency,
    /// First local date covered.
    pub valid_from: NaiveDate,
    /// Last local date covered (inclusive).
    pub valid_to: Option<NaiveDate>,
    /// Holiday dates.
    pub holidays: BTreeSet<NaiveDate>,
    /// Import prices.
    pub import: Schedule,
    /// Export prices.
    pub export: Schedule,
}

impl TariffSpec {
    /// Checks every field; the message names the field and what is wrong with it.
    pub fn validate(&self) -> Result<TariffRules, String> {
        if self.name.trim().is_empty() || self.name.chars().count() > 200 {
            return Err("name: must be 1-200 characters as sent, not blank".to_owned());
        }
        let currency = Currency::parse(&self.currency).map_err(|e| format!("currency: {e}"))?;
        if let Some(to) = self.valid_to {
            if to < self.valid_from {
                return Err(format!("valid_to: {to} is before valid_from {}", self.valid_from));
            }
        }
        let import = self.import.compile("import", currency)?;
        let export = self.export.compile("export", currency)?;
        Ok(TariffRules {
            currency,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            holidays: self.holidays.iter().copied().collect(),
            import,
            export,
        })
    }
}

impl TariffRules {
    /// Why `day` cannot be priced by this tariff, if it cannot.
    #[must_use]
    pub fn not_covering(&self, day: NaiveDate) -> Option<String> {
        let after_end = self.valid_to.is_some_and(|to| day > to);
        if day < self.valid_from || after_end {
            let to = self.valid_to.map_or_else(|| "open end".to_owned(), |d| d.to_string());
            return Some(format!("the tariff is valid from {} to {to}; {day} is outside", self.valid_from));
        }
        None
    }

    /// The day type of `day` under this tariff's holiday list.
    #[must_use]
    pub fn day_type(&self, day: NaiveDate) -> DayType {
        DayType::of(day, &self.holidays)
    }
}

/// One stored version of a tariff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tariff {
    /// Id shared by all versions.
    pub id: TariffId,
    /// Owning tenant.
    pub tenant: TenantId,
    /// Version (1 when created, n+1 per update).
    pub version: u32,
    /// The definition.
    #[serde(flatten)]
    pub spec: TariffSpec,
    /// When version 1 was created.
    pub created_at: DateTime<Utc>,
    /// When this version was written.
    pub updated_at: DateTime<Utc>,
}

/// A station uses `tariff_id` from the local date `effective_from` until the next assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffAssignment {
    /// The station.
    pub station_id: StationId,
    /// The tariff (its current version prices the day).
    pub tariff_id: TariffId,
    /// First local date of the station this assignment applies to.
    pub effective_from: NaiveDate,
    /// When it was made.
    pub assigned_at: DateTime<Utc>,
    /// Who made it.
    pub assigned_by: String,
}

/// The assignment in force on `day`: the one with the latest `effective_from` not after it.
#[must_use]
pub fn assignment_on(assignments: &[TariffAssignment], day: NaiveDate) -> Option<&TariffAssignment> {
    assignments.iter().filter(|a| a.effective_from <= day).max_by_key(|a| a.effective_from)
}
