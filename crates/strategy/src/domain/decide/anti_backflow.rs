//! Anti-backflow: keep grid export at or under the threshold by limiting PV output to what it
//! produces now plus the headroom left; lift the limit once the headroom covers the rated power.

use crate::domain::decision::{Decision, Setpoint};
use crate::domain::inputs::StationInputs;
use crate::domain::params::AntiBackflowParams;

pub(super) fn decide(p: &AntiBackflowParams, i: &StationInputs) -> Decision {
    let Some(grid) = i.grid_power_w else { return Decision::none("grid power unknown: no decision") };
    let Some(pv) = i.pv_power_w else { return Decision::none("PV power unknown: no decision") };
    let export = (-grid).max(0.0);
    let allowed = (p.export_limit_w - p.margin_w) as f64;
    // Net headroom: import (positive grid) may turn into export up to the allowed level.
    let target = pv + allowed + grid;
    if target >= p.pv_rated_w as f64 {
        return Decision {
            setpoints: vec![Setpoint::PvLimit { limit_w: None }],
            reason: format!("export {export:.0} W leaves room for the rated {} W: no PV limit", p.pv_rated_w),
        };
    }
    let limit = target.max(0.0).round() as i64;
    Decision {
        setpoints: vec![Setpoint::PvLimit { limit_w: Some(limit) }],
        reason: format!(
            "export {export:.0} W against {allowed:.0} W allowed with PV at {pv:.0} W: limit PV to {limit} W"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decide::test_inputs::at;

    fn when(grid: f64, pv: f64) -> Decision {
        let p = AntiBackflowParams { export_limit_w: 2_000, pv_rated_w: 30_000, margin_w: 500 };
        let mut i = at(12, 0);
        i.grid_power_w = Some(grid);
        i.pv_power_w = Some(pv);
        decide(&p, &i)
    }

    #[test]
    fn given_export_over_threshold_when_decided_then_pv_limited_to_keep_export_under_it() {
        // Exporting 6 kW with 20 kW of PV, 1.5 kW allowed: PV must drop by 4.5 kW.
        assert_eq!(when(-6_000.0, 20_000.0).pv_limit_w(), Some(Some(15_500)));
    }

    #[test]
    fn given_import_and_curtailed_pv_when_decided_then_limit_raised_by_the_headroom() {
        assert_eq!(when(3_000.0, 15_500.0).pv_limit_w(), Some(Some(20_000)));
    }

    #[test]
    fn given_headroom_covering_rated_power_then_limit_lifted() {
        assert_eq!(when(20_000.0, 12_000.0).pv_limit_w(), Some(None));
    }

    #[test]
    fn given_export_larger_than_pv_then_limit_is_zero_not_negative() {
        assert_eq!(when(-10_000.0, 4_000.0).pv_limit_w(), Some(Some(0)));
    }

    #[test]
    fn given_pv_unknown_then_no_setpoint() {
        let p = AntiBackflowParams { export_limit_w: 0, pv_rated_w: 1_000, margin_w: 0 };
        let mut i = at(12, 0);
        i.grid_power_w = Some(-500.0);
        assert!(decide(&p, &i).setpoints.is_empty());
    }
}
