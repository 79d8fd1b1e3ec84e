//! Row mapping and multi-row inserts of the analytics tables, shared by both backends.

use crate::rows::{tenant_of, to_u32, RowAt, RowExt};
use mgc_analytics::domain::point_stats::PointFigures;
use mgc_analytics::domain::statistic::{PointStat, StationStat};
use mgc_contracts::FlowEnergy;
use mgc_kernel::{DeviceId, Granularity, RepoError, StationId, Window};

/// Station statistic columns without the slots.
pub(crate) const STAT_COLUMNS: &str = "station_id, granularity, period_start, version, tenant_id, period_end, period, \
    is_current, grid_import_wh, grid_export_wh, pv_generation_wh, battery_charge_wh, battery_discharge_wh, load_wh, \
    charging_wh, coverage, quality, sources, calculated_at";

/// Device point statistic columns.
pub(crate) const POINT_COLUMNS: &str = "station_id, granularity, period_start, device_id, point, version, tenant_id, \
    period_end, period, is_current, sample_count, min_value, max_value, mean_value, first_value, last_value, energy_wh, \
    coverage, quality";

fn backend(e: impl std::fmt::Display) -> RepoError {
    RepoError::Backend(e.to_string())
}

pub(crate) fn granularity_of(r: &impl RowExt) -> Result<Granularity, RepoError> {
    r.text("granularity")?.parse::<Granularity>().map_err(backend)
}

/// Columns of the stats list query: what is not known from the query itself.
pub(crate) const LIST_COLUMNS: &str = "period_start, version, period_end, period, is_current, grid_import_wh, \
    grid_export_wh, pv_generation_wh, battery_charge_wh, battery_discharge_wh, load_wh, charging_wh, coverage, quality, \
    calculated_at";

/// A station statistic of a list query (tenant, station and granularity come from the query);
/// columns by position, in the order of [`LIST_COLUMNS`] (then `sources` when asked for).
pub(crate) fn listed_stat_from_row<R: RowExt + RowAt>(
    r: &R,
    tenant: &mgc_kernel::TenantId,
    station: StationId,
    granularity: Granularity,
    with_sources: bool,
) -> Result<StationStat, RepoError> {
    Ok(StationStat {
        tenant: tenant.clone(),
        station_id: station,
        granularity,
        window: Window { start: r.time_at(0)?, end: r.time_at(2)? },
        version: to_u32(r.int_at(1)?, "version")?,
        period: r.text_at(3)?,
        current: r.boolean_at(4)?,
        energy: FlowEnergy {
            grid_import_wh: r.int_at(5)?,
            grid_export_wh: r.int_at(6)?,
            pv_generation_wh: r.int_at(7)?,
            battery_charge_wh: r.int_at(8)?,
            battery_discharge_wh: r.int_at(9)?,
            load_wh: r.int_at(10)?,
            charging_wh: r.int_at(11)?,
        },
        coverage: r.float_at(12)?,
        quality: r.opt_text_at(13)?,
        calculated_at: r.time_at(14)?,
        slots: Vec::new(),
        sources: if with_sources { serde_json::from_value(r.json("sources")?).map_err(backend)? } else { Vec::new() },
    })
}

fn energy_of(r: &impl RowExt) -> Result<FlowEnergy, RepoError> {
    Ok(FlowEnergy {
        grid_import_wh: r.int("grid_import_wh")?,
        grid_export_wh: r.int("grid_export_wh")?,
        pv_generation_wh: r.int("pv_generation_wh")?,
        battery_charge_wh: r.int("battery_charge_wh")?,
        battery_discharge_wh: r.int("battery_discharge_wh")?,
        load_wh: r.int("load_wh")?,
        charging_wh: r.int("charging_wh")?,
    })
}

/// A station statistic; slots are read only when the row has the column.
pub(crate) fn station_stat_from_row(r: &impl RowExt, with_slots: bool) -> Result<StationStat, RepoError> {
    let slots = if with_slots { serde_json::from_value(r.json("slots")?).map_err(backend)? } else { Vec::new() };
    Ok(StationStat {
        tenant: tenant_of(r)?,
        station_id: StationId::from_uuid(r.uuid("station_id")?),
        granularity: granularity_of(r)?,
        period: r.text("period")?,
        window: Window { start: r.time("period_start")?, end: r.time("period_end")? },
        version: to_u32(r.int("version")?, "version")?,
        current: r.boolean("is_current")?,
        energy: energy_of(r)?,
        coverage: r.float("coverage")?,
        quality: r.opt_text("quality")?,
        slots,
        sources: serde_json::from_value(r.json("sources")?).map_err(backend)?,
        calculated_at: r.time("calculated_at")?,
    })
}

pub(crate) fn point_stat_from_row(r: &impl RowExt) -> Result<PointStat, RepoError> {
    Ok(PointStat {
        device_id: DeviceId::from_uuid(r.uuid("device_id")?),
        point: r.text("point")?,
        granularity: granularity_of(r)?,
        period: r.text("period")?,
        window: Window { start: r.time("period_start")?, end: r.time("period_end")? },
        version: to_u32(r.int("version")?, "version")?,
        figures: PointFigures {
            count: r.int("sample_count")?,
            min: r.opt_float("min_value")?,
            max: r.opt_float("max_value")?,
            mean: r.opt_float("mean_value")?,
            first: r.opt_float("first_value")?,
            last: r.opt_float("last_value")?,
            energy_wh: r.opt_int("energy_wh")?,
            coverage: r.float("coverage")?,
            quality: r.opt_text("quality")?,
        },
    })
}

/// `($1, .., $cols), ($cols+1, ..)` for `rows` rows.
pub(crate) fn placeholders(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}
