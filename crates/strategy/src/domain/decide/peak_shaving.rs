//! Peak shaving: discharge so grid import stays at or under the limit; recharge while the site
//! draws less than the recharge level, never pushing import above it; SOC and power bounds hold.

use super::battery::clamp;
use crate::domain::decision::{Decision, Setpoint};
use crate::domain::inputs::StationInputs;
use crate::domain::params::PeakShavingParams;

pub(super) fn decide(p: &PeakShavingParams, i: &StationInputs) -> Decision {
    let Some(grid) = i.grid_power_w else { return Decision::none("grid power unknown: no decision") };
    let Some(soc) = i.soc_pct else { return Decision::none("battery SOC unknown: no decision") };
    // What the grid would carry with the battery idle.
    let site = grid + i.battery_power_w.unwrap_or(0.0);
    let limit = p.import_limit_w as f64;
    let recharge = p.recharge_below_w as f64;
    let (wanted, why) = if site > limit {
        (site - limit, format!("site import {site:.0} W over limit {limit:.0} W: discharge"))
    } else if site < recharge {
        (-(recharge - site), format!("site import {site:.0} W under recharge level {recharge:.0} W: recharge"))
    } else {
        (0.0, format!("site import {site:.0} W between {recharge:.0} and {limit:.0} W: idle"))
    };
    let (power_w, note) = clamp(wanted, soc, &p.battery);
    let reason = match note {
        Some(n) => format!("{why}; {n}"),
        None => why,
    };
    Decision { setpoints: vec![Setpoint::BatteryPower { power_w }], reason }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decide::test_inputs::at;
    use crate::domain::params::BatteryLimits;

    fn params() -> PeakShavingParams {
        PeakShavingParams {
            import_limit_w: 50_000,
            recharge_below_w: 30_000,
            battery: BatteryLimits {
                min_soc_pct: 10.0,
                max_soc_pct: 90.0,
                max_charge_w: 15_000,
                max_discharge_w: 20_000,
            },
        }
    }

    fn when(grid: f64, battery: f64, soc: f64) -> Decision {
        let mut i = at(10, 0);
        i.grid_power_w = Some(grid);
        i.battery_power_w = Some(battery);
        i.soc_pct = Some(soc);
        decide(&params(), &i)
    }

    #[test]
    fn given_import_over_limit_when_decided_then_discharge_the_excess() {
        assert_eq!(when(62_000.0, 0.0, 50.0).battery_power_w(), Some(12_000));
    }

    #[test]
    fn given_battery_already_discharging_when_decided_then_target_accounts_for_it() {
        // Grid shows 52 kW while the battery gives 8 kW: the site draws 60 kW, so 10 kW is needed.
        assert_eq!(when(52_000.0, 8_000.0, 50.0).battery_power_w(), Some(10_000));
    }

    #[test]
    fn given_excess_beyond_max_discharge_then_capped_and_said_so() {
        let d = when(95_000.0, 0.0, 50.0);
        assert_eq!(d.battery_power_w(), Some(20_000));
        assert!(d.reason.contains("capped"), "{}", d.reason);
    }

    #[test]
    fn given_soc_at_min_when_over_limit_then_no_discharge() {
        let d = when(62_000.0, 0.0, 10.0);
        assert_eq!(d.battery_power_w(), Some(0));
        assert!(d.reason.contains("min"), "{}", d.reason);
    }

    #[test]
    fn given_low_import_when_decided_then_recharge_up_to_recharge_level_within_max_charge() {
        assert_eq!(when(25_000.0, 0.0, 50.0).battery_power_w(), Some(-5_000));
        assert_eq!(when(5_000.0, 0.0, 50.0).battery_power_w(), Some(-15_000));
    }

    #[test]
    fn given_soc_at_max_when_import_low_then_no_charge() {
        assert_eq!(when(5_000.0, 0.0, 90.0).battery_power_w(), Some(0));
    }

    #[test]
    fn given_import_between_levels_then_idle() {
        assert_eq!(when(40_000.0, 0.0, 50.0).battery_power_w(), Some(0));
    }

    #[test]
    fn given_missing_soc_then_no_setpoint() {
        let mut i = at(10, 0);
        i.grid_power_w = Some(60_000.0);
        let d = decide(&params(), &i);
        assert!(d.setpoints.is_empty() && d.reason.contains("SOC"));
    }
}
