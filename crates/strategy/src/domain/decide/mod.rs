//! The decision functions: pure functions of (parameters, inputs at a moment) → set-points.
//! The scheduler and shadow runs call [`decide`]; nothing here reads a clock or a database.

mod anti_backflow;
mod battery;
mod peak_shaving;
mod schedule;
mod tou_arbitrage;

use super::decision::Decision;
use super::inputs::StationInputs;
use super::params::StrategyParams;

/// What the strategy wants to hold at `inputs.at`.
#[must_use]
pub fn decide(params: &StrategyParams, inputs: &StationInputs) -> Decision {
    match params {
        StrategyParams::Schedule(p) => schedule::decide(p, inputs),
        StrategyParams::PeakShaving(p) => peak_shaving::decide(p, inputs),
        StrategyParams::AntiBackflow(p) => anti_backflow::decide(p, inputs),
        StrategyParams::TouArbitrage(p) => tou_arbitrage::decide(p, inputs),
    }
}

#[cfg(test)]
pub(crate) mod test_inputs {
    use crate::domain::inputs::StationInputs;
    use chrono::{NaiveDate, TimeZone, Utc};

    /// Inputs at 2026-03-02 (a Monday) `hh:mm` local (= UTC here) with the given readings.
    pub fn at(hh: u32, mm: u32) -> StationInputs {
        let local = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(hh, mm, 0).unwrap();
        StationInputs {
            at: Utc.from_utc_datetime(&local),
            local,
            grid_power_w: None,
            pv_power_w: None,
            battery_power_w: None,
            soc_pct: None,
            band: None,
        }
    }
}
