//! Shared battery arithmetic: clamp a wanted power to the bounds and the state of charge.

use crate::domain::params::BatteryLimits;

/// Why a wanted battery power was reduced, if it was.
pub(super) fn clamp(wanted_w: f64, soc_pct: f64, limits: &BatteryLimits) -> (i64, Option<String>) {
    if wanted_w > 0.0 {
        if soc_pct <= limits.min_soc_pct {
            return (0, Some(format!("SOC {soc_pct:.1}% at or below min {:.1}%: no discharge", limits.min_soc_pct)));
        }
        let w = wanted_w.round().min(limits.max_discharge_w as f64) as i64;
        let note =
            (w < wanted_w.round() as i64).then(|| format!("discharge capped at max {} W", limits.max_discharge_w));
        (w, note)
    } else if wanted_w < 0.0 {
        if soc_pct >= limits.max_soc_pct {
            return (0, Some(format!("SOC {soc_pct:.1}% at or above max {:.1}%: no charge", limits.max_soc_pct)));
        }
        let w = wanted_w.round().max(-(limits.max_charge_w as f64)) as i64;
        let note = (w > wanted_w.round() as i64).then(|| format!("charge capped at max {} W", limits.max_charge_w));
        (w, note)
    } else {
        (0, None)
    }
}
