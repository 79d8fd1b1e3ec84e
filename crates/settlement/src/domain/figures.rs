//! The priced figures of one day and the difference between two of them.

use mgc_kernel::Currency;
use serde::{Deserialize, Serialize};

/// Energy, price and amount of one band for one direction (import or export) on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandLine {
    /// Band name (`sharp`, `peak`, `flat`, `valley`, `fixed`, ...).
    pub band: String,
    /// Energy in the band (sum of the day's slots), Wh.
    pub wh: i64,
    /// Price in 1/10000 of the minor unit per kWh.
    pub price_ten_thousandths: i64,
    /// `price × wh`, rounded once, half-to-even, to the minor unit.
    pub amount_minor: i64,
}

/// Import cost and export revenue of one day, per band and in total (amounts in minor units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayFigures {
    /// Currency of every amount.
    pub currency: Currency,
    /// Energy drawn from the grid, per import band.
    pub import: Vec<BandLine>,
    /// Energy fed into the grid, per export band.
    pub export: Vec<BandLine>,
    /// Total imported energy, Wh.
    pub import_wh: i64,
    /// Total exported energy, Wh.
    pub export_wh: i64,
    /// Sum of the rounded import band amounts.
    pub import_cost_minor: i64,
    /// Sum of the rounded export band amounts.
    pub export_revenue_minor: i64,
    /// `import_cost - export_revenue` (positive: the customer pays).
    pub net_minor: i64,
}

/// Change of one band between two figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandDelta {
    /// Band name.
    pub band: String,
    /// Energy difference, Wh.
    pub wh: i64,
    /// Amount difference, minor units.
    pub amount_minor: i64,
}

/// `new - old`, per band and in total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureDelta {
    /// Currency.
    pub currency: Currency,
    /// Import band changes (bands with no change left out).
    pub import: Vec<BandDelta>,
    /// Export band changes.
    pub export: Vec<BandDelta>,
    /// Import energy change, Wh.
    pub import_wh: i64,
    /// Export energy change, Wh.
    pub export_wh: i64,
    /// Import cost change.
    pub import_cost_minor: i64,
    /// Export revenue change.
    pub export_revenue_minor: i64,
    /// Net change.
    pub net_minor: i64,
}

/// Display order of bands: sharp, peak, flat, valley, then the rest alphabetically.
#[must_use]
pub fn band_rank(band: &str) -> (usize, &str) {
    let known = ["sharp", "peak", "flat", "valley"];
    (known.iter().position(|k| *k == band).unwrap_or(known.len()), band)
}

fn line_deltas(old: &[BandLine], new: &[BandLine]) -> Vec<BandDelta> {
    let mut bands: Vec<&str> = old.iter().chain(new).map(|l| l.band.as_str()).collect();
    bands.sort_by_key(|b| band_rank(b));
    bands.dedup();
    let find =
        |lines: &[BandLine], b: &str| lines.iter().find(|l| l.band == b).map_or((0, 0), |l| (l.wh, l.amount_minor));
    bands
        .into_iter()
        .filter_map(|b| {
            let (ow, oa) = find(old, b);
            let (nw, na) = find(new, b);
            let d = BandDelta { band: b.to_owned(), wh: nw - ow, amount_minor: na - oa };
            (d.wh != 0 || d.amount_minor != 0).then_some(d)
        })
        .collect()
}

impl FigureDelta {
    /// `new - old` (both in the same currency: adjustments price with the frozen day's tariff).
    #[must_use]
    pub fn between(old: &DayFigures, new: &DayFigures) -> FigureDelta {
        FigureDelta {
            currency: new.currency,
            import: line_deltas(&old.import, &new.import),
            export: line_deltas(&old.export, &new.export),
            import_wh: new.import_wh - old.import_wh,
            export_wh: new.export_wh - old.export_wh,
            import_cost_minor: new.import_cost_minor - old.import_cost_minor,
            export_revenue_minor: new.export_revenue_minor - old.export_revenue_minor,
            net_minor: new.net_minor - old.net_minor,
        }
    }

    /// True when nothing changed.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.import.is_empty() && self.export.is_empty() && self.import_wh == 0 && self.export_wh == 0
    }
}
