//! Pricing one day: every 15-minute slot's grid import and export go to the band of the slot's
//! local start time; Wh are summed per band over the day, and each band's amount is rounded once
//! (`PricePerKwh::amount_for`, half-to-even to the minor unit). Totals add rounded band amounts.

use super::figures::{band_rank, BandLine, DayFigures};
use super::schedule::{Schedule, CELL_MINUTES};
use super::tariff::TariffRules;
use chrono::{NaiveDate, TimeZone, Timelike};
use mgc_contracts::EnergySlot;
use mgc_kernel::{PricePerKwh, StationTz, Wh};
use std::collections::BTreeMap;

/// Prices the slots of local `day` in `tz` with `rules`.
pub fn price_day(
    rules: &TariffRules,
    day: NaiveDate,
    tz: StationTz,
    slots: &[EnergySlot],
) -> Result<DayFigures, String> {
    let day_type = rules.day_type(day);
    let mut import: BTreeMap<String, (i64, PricePerKwh)> = BTreeMap::new();
    let mut export: BTreeMap<String, (i64, PricePerKwh)> = BTreeMap::new();
    for slot in slots {
        let local = tz.0.from_utc_datetime(&slot.start.naive_utc());
        let cell = ((local.hour() * 60 + local.minute()) / CELL_MINUTES) as usize;
        add(&mut import, &rules.import, day, day_type, cell, slot.energy.grid_import_wh)?;
        add(&mut export, &rules.export, day, day_type, cell, slot.energy.grid_export_wh)?;
    }
    let import = lines(import)?;
    let export = lines(export)?;
    let sum = |lines: &[BandLine], f: fn(&BandLine) -> i64| {
        lines.iter().try_fold(0_i64, |acc, l| acc.checked_add(f(l))).ok_or_else(|| "amount overflow".to_owned())
    };
    let import_cost_minor = sum(&import, |l| l.amount_minor)?;
    let export_revenue_minor = sum(&export, |l| l.amount_minor)?;
    Ok(DayFigures {
        currency: rules.currency,
        import_wh: sum(&import, |l| l.wh)?,
        export_wh: sum(&export, |l| l.wh)?,
        import_cost_minor,
        export_revenue_minor,
        net_minor: import_cost_minor.checked_sub(export_revenue_minor).ok_or_else(|| "amount overflow".to_owned())?,
        import,
        export,
    })
}

fn add(
    acc: &mut BTreeMap<String, (i64, PricePerKwh)>,
    schedule: &Schedule,
    day: NaiveDate,
    day_type: super::schedule::DayType,
    cell: usize,
    wh: i64,
) -> Result<(), String> {
    let (band, price) = schedule.band_at(day, day_type, cell);
    let entry = acc.entry(band.to_owned()).or_insert((0, price));
    entry.0 = entry.0.checked_add(wh).ok_or_else(|| format!("energy overflow in band {band}"))?;
    Ok(())
}

fn lines(acc: BTreeMap<String, (i64, PricePerKwh)>) -> Result<Vec<BandLine>, String> {
    let mut out = acc
        .into_iter()
        .map(|(band, (wh, price))| {
            let amount = price.amount_for(Wh(wh)).map_err(|e| format!("band {band}: {e}"))?;
            Ok(BandLine { band, wh, price_ten_thousandths: price.ten_thousandths, amount_minor: amount.minor })
        })
        .collect::<Result<Vec<_>, String>>()?;
    out.sort_by(|a, b| band_rank(&a.band).cmp(&band_rank(&b.band)));
    Ok(out)
}
