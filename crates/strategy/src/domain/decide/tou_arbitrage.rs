//! Time-of-use arbitrage: charge in the tariff's cheap bands, discharge in its expensive ones,
//! within SOC bounds; by default never discharge more than the site draws (no export).

use super::battery::clamp;
use crate::domain::decision::{Decision, Setpoint};
use crate::domain::inputs::StationInputs;
use crate::domain::params::TouArbitrageParams;

pub(super) fn decide(p: &TouArbitrageParams, i: &StationInputs) -> Decision {
    let Some(band) = i.band.as_deref() else { return Decision::none("no tariff band now: no decision") };
    let Some(soc) = i.soc_pct else { return Decision::none("battery SOC unknown: no decision") };
    let (wanted, why) = if p.charge_bands.iter().any(|b| b == band) {
        (-(p.charge_w as f64), format!("band '{band}' is a charge band"))
    } else if p.discharge_bands.iter().any(|b| b == band) {
        let mut w = p.discharge_w as f64;
        let mut why = format!("band '{band}' is a discharge band");
        if !p.allow_export {
            match i.grid_power_w {
                Some(grid) => {
                    let site = (grid + i.battery_power_w.unwrap_or(0.0)).max(0.0);
                    if site < w {
                        w = site;
                        why.push_str(&format!("; limited to the site's {site:.0} W (no export)"));
                    }
                }
                None => return Decision::none(format!("{why} but grid power is unknown and export is not allowed")),
            }
        }
        (w, why)
    } else {
        (0.0, format!("band '{band}' is neither a charge nor a discharge band: idle"))
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

    fn params(allow_export: bool) -> TouArbitrageParams {
        TouArbitrageParams {
            charge_bands: vec!["valley".into()],
            discharge_bands: vec!["peak".into(), "sharp".into()],
            charge_w: 10_000,
            discharge_w: 8_000,
            allow_export,
            battery: BatteryLimits {
                min_soc_pct: 5.0,
                max_soc_pct: 95.0,
                max_charge_w: 10_000,
                max_discharge_w: 10_000,
            },
        }
    }

    fn when(band: &str, soc: f64, grid: Option<f64>, allow_export: bool) -> Decision {
        let mut i = at(3, 0);
        i.band = Some(band.into());
        i.soc_pct = Some(soc);
        i.grid_power_w = grid;
        decide(&params(allow_export), &i)
    }

    #[test]
    fn given_valley_band_when_decided_then_charge() {
        assert_eq!(when("valley", 40.0, None, false).battery_power_w(), Some(-10_000));
    }

    #[test]
    fn given_valley_band_and_full_battery_then_idle() {
        assert_eq!(when("valley", 95.0, None, false).battery_power_w(), Some(0));
    }

    #[test]
    fn given_peak_band_when_site_draws_more_than_discharge_power_then_full_discharge() {
        assert_eq!(when("peak", 60.0, Some(12_000.0), false).battery_power_w(), Some(8_000));
    }

    #[test]
    fn given_peak_band_when_site_draws_less_then_discharge_only_what_it_draws() {
        let d = when("sharp", 60.0, Some(3_000.0), false);
        assert_eq!(d.battery_power_w(), Some(3_000));
        assert!(d.reason.contains("no export"), "{}", d.reason);
        assert_eq!(when("sharp", 60.0, Some(3_000.0), true).battery_power_w(), Some(8_000));
    }

    #[test]
    fn given_peak_band_and_empty_battery_then_idle() {
        assert_eq!(when("peak", 5.0, Some(12_000.0), false).battery_power_w(), Some(0));
    }

    #[test]
    fn given_flat_band_then_idle_and_no_band_then_no_decision() {
        assert_eq!(when("flat", 50.0, Some(1_000.0), false).battery_power_w(), Some(0));
        let mut i = at(3, 0);
        i.soc_pct = Some(50.0);
        assert!(decide(&params(false), &i).setpoints.is_empty());
    }
}
