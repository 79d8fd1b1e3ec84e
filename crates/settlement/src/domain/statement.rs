//! Monthly statements: items per day and band from the month's settlements, the pending
//! adjustments, totals, and a SHA-256 content hash over a canonical serialisation.

use super::figures::{band_rank, BandLine, DayFigures};
use super::ids::{AdjustmentId, SettlementId, StatementId};
use super::settlement::{Adjustment, Settlement, SettlementState, SettlementVersion, TariffRef};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use mgc_kernel::{Currency, StationId, TenantId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Lifecycle of a statement version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementState {
    /// Editable: generating again refreshes it.
    Draft,
    /// Final, with a content hash; its days are frozen and its adjustments consumed.
    Issued,
    /// Withdrawn with a reason; generating again makes the next version.
    Void,
}

impl StatementState {
    /// The snake_case name.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            StatementState::Draft => "draft",
            StatementState::Issued => "issued",
            StatementState::Void => "void",
        }
    }
}

impl fmt::Display for StatementState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StatementState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "draft" => Ok(StatementState::Draft),
            "issued" => Ok(StatementState::Issued),
            "void" => Ok(StatementState::Void),
            other => Err(format!("unknown statement state '{other}'")),
        }
    }
}

/// One settled day on a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementDay {
    /// Local date.
    pub date: NaiveDate,
    /// Settlement.
    pub settlement_id: SettlementId,
    /// Settlement version used.
    pub settlement_version: u32,
    /// Tariff version that priced it.
    pub tariff: TariffRef,
    /// Import per band.
    pub import: Vec<BandLine>,
    /// Export per band.
    pub export: Vec<BandLine>,
    /// Import cost, minor units.
    pub import_cost_minor: i64,
    /// Export revenue, minor units.
    pub export_revenue_minor: i64,
    /// Net, minor units.
    pub net_minor: i64,
}

/// One adjustment of an earlier frozen day carried on a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementAdjustment {
    /// Adjustment.
    pub adjustment_id: AdjustmentId,
    /// Local date adjusted.
    pub date: NaiveDate,
    /// Why.
    pub reason: String,
    /// Import cost change.
    pub import_cost_minor: i64,
    /// Export revenue change.
    pub export_revenue_minor: i64,
    /// Net change.
    pub net_minor: i64,
}

/// Totals of one band over the month (days only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandTotal {
    /// Band name.
    pub band: String,
    /// Imported energy, Wh.
    pub import_wh: i64,
    /// Import cost, minor units.
    pub import_cost_minor: i64,
    /// Exported energy, Wh.
    pub export_wh: i64,
    /// Export revenue, minor units.
    pub export_revenue_minor: i64,
}

/// Totals of a statement: days plus adjustments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementTotals {
    /// Imported energy of the days, Wh.
    pub import_wh: i64,
    /// Exported energy of the days, Wh.
    pub export_wh: i64,
    /// Import cost of the days and adjustments.
    pub import_cost_minor: i64,
    /// Export revenue of the days and adjustments.
    pub export_revenue_minor: i64,
    /// Net of the adjustments alone.
    pub adjustments_net_minor: i64,
    /// Amount due: import cost − export revenue (days and adjustments).
    pub net_minor: i64,
}

/// Everything a statement says; the content hash covers exactly this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementContent {
    /// Station.
    pub station_id: StationId,
    /// Local month `YYYY-MM`.
    pub month: String,
    /// Statement version for this station and month.
    pub version: u32,
    /// Currency of every amount.
    pub currency: Currency,
    /// Settled days, by date.
    pub days: Vec<StatementDay>,
    /// Days of the month with input but no price (not billed).
    pub unpriced_days: Vec<NaiveDate>,
    /// Adjustments of frozen days, by date then id.
    pub adjustments: Vec<StatementAdjustment>,
    /// Per-band totals of the days.
    pub bands: Vec<BandTotal>,
    /// Totals.
    pub totals: StatementTotals,
}

/// One version of a monthly statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// Id of this version.
    pub id: StatementId,
    /// Owning tenant.
    pub tenant: TenantId,
    /// Station.
    pub station_id: StationId,
    /// Local month `YYYY-MM`.
    pub month: String,
    /// Version (1, then n+1 after a void).
    pub version: u32,
    /// Lifecycle state.
    pub state: StatementState,
    /// The content.
    pub content: StatementContent,
    /// SHA-256 (hex) of the canonical content, set when issued.
    pub content_hash: Option<String>,
    /// When this version was first generated.
    pub created_at: DateTime<Utc>,
    /// When it was last regenerated or changed state.
    pub updated_at: DateTime<Utc>,
    /// When it was issued.
    pub issued_at: Option<DateTime<Utc>>,
    /// When it was voided.
    pub voided_at: Option<DateTime<Utc>>,
    /// Why it was voided.
    pub void_reason: Option<String>,
}

/// First and last local date of `YYYY-MM`; the message names the bad value.
pub fn month_range(month: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let bad = || format!("month '{month}' is not YYYY-MM");
    let (y, m) = month.split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    let first = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
    let next = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
    let last = next.and_then(|d| d.pred_opt()).ok_or_else(bad)?;
    Ok((first, last))
}

/// Builds the content from the month's settlements (with their current versions) and the
/// pending adjustments. Every priced day and adjustment must share one currency.
pub fn build_content(
    station_id: StationId,
    month: &str,
    version: u32,
    settlements: &[(Settlement, SettlementVersion)],
    adjustments: &[Adjustment],
) -> Result<StatementContent, String> {
    let mut currency: Option<Currency> = None;
    let mut same = |c: Currency, what: String| match currency {
        Some(seen) if seen != c => Err(format!("{what} is in {c} but earlier items are in {seen}")),
        _ => {
            currency = Some(c);
            Ok(())
        }
    };
    let mut days = Vec::new();
    let mut unpriced_days = Vec::new();
    let mut bands: BTreeMap<(usize, String), BandTotal> = BTreeMap::new();
    let mut totals = StatementTotals::default();
    for (s, v) in settlements {
        let (Some(f), Some(tariff)) = (&v.figures, v.tariff) else {
            unpriced_days.push(s.day);
            continue;
        };
        same(f.currency, format!("day {}", s.day))?;
        add_bands(&mut bands, f);
        totals.import_wh += f.import_wh;
        totals.export_wh += f.export_wh;
        totals.import_cost_minor += f.import_cost_minor;
        totals.export_revenue_minor += f.export_revenue_minor;
        days.push(StatementDay {
            date: s.day,
            settlement_id: s.id,
            settlement_version: v.version,
            tariff,
            import: f.import.clone(),
            export: f.export.clone(),
            import_cost_minor: f.import_cost_minor,
            export_revenue_minor: f.export_revenue_minor,
            net_minor: f.net_minor,
        });
    }
    let mut items = Vec::new();
    for a in adjustments {
        same(a.delta.currency, format!("adjustment of {}", a.day))?;
        totals.import_cost_minor += a.delta.import_cost_minor;
        totals.export_revenue_minor += a.delta.export_revenue_minor;
        totals.adjustments_net_minor += a.delta.net_minor;
        items.push(StatementAdjustment {
            adjustment_id: a.id,
            date: a.day,
            reason: a.reason.clone(),
            import_cost_minor: a.delta.import_cost_minor,
            export_revenue_minor: a.delta.export_revenue_minor,
            net_minor: a.delta.net_minor,
        });
    }
    let currency = currency.ok_or_else(|| format!("no priced day and no pending adjustment for {month}"))?;
    days.sort_by_key(|d| d.date);
    unpriced_days.sort();
    items.sort_by_key(|a| (a.date, a.adjustment_id));
    totals.net_minor = totals.import_cost_minor - totals.export_revenue_minor;
    Ok(StatementContent {
        station_id,
        month: month.to_owned(),
        version,
        currency,
        days,
        unpriced_days,
        adjustments: items,
        bands: bands.into_values().collect(),
        totals,
    })
}

fn add_bands(bands: &mut BTreeMap<(usize, String), BandTotal>, f: &DayFigures) {
    fn total<'a>(bands: &'a mut BTreeMap<(usize, String), BandTotal>, band: &str) -> &'a mut BandTotal {
        bands.entry((band_rank(band).0, band.to_owned())).or_insert_with(|| BandTotal {
            band: band.to_owned(),
            import_wh: 0,
            import_cost_minor: 0,
            export_wh: 0,
            export_revenue_minor: 0,
        })
    }
    for l in &f.import {
        let t = total(bands, &l.band);
        t.import_wh += l.wh;
        t.import_cost_minor += l.amount_minor;
    }
    for l in &f.export {
        let t = total(bands, &l.band);
        t.export_wh += l.wh;
        t.export_revenue_minor += l.amount_minor;
    }
}

/// SHA-256 (lowercase hex) of the canonical serialisation: compact JSON of the content with
/// fields in declaration order, dates ISO-8601, amounts integer minor units, items sorted.
#[must_use]
pub fn content_hash(content: &StatementContent) -> String {
    let bytes = serde_json::to_vec(content).unwrap_or_default();
    hex::encode(Sha256::digest(&bytes))
}

/// Whether the month of `day` is `month` (`YYYY-MM`).
#[must_use]
pub fn in_month(day: NaiveDate, month: &str) -> bool {
    format!("{:04}-{:02}", day.year(), day.month()) == month
}

/// Settlements on a statement are settled; unpriced days are listed but not billed.
#[must_use]
pub fn billable(state: SettlementState) -> bool {
    matches!(state, SettlementState::Calculated | SettlementState::Frozen)
}
