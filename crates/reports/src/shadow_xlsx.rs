//! XLSX of a shadow-run report: a header block (run, station, strategy, period, battery), then
//! the day table with the CSV's columns; energies, powers and amounts as numbers.

use crate::shadow_table::{report_of, shadow_rows, SHADOW_CSV_COLUMNS};
use crate::ReportError;
use mgc_strategy::ShadowRun;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

fn err(e: XlsxError) -> ReportError {
    ReportError(e.to_string())
}

/// Columns written as text (the rest are numbers when not empty).
const TEXT_COLUMNS: [usize; 4] = [0, 1, 2, 3];

/// The report of a finished run as an XLSX workbook with one sheet `Shadow run`.
pub fn shadow_xlsx(run: &ShadowRun) -> Result<Vec<u8>, ReportError> {
    let rows = shadow_rows(report_of(run)?)?;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("Shadow run").map_err(err)?;
    let b = &run.spec.battery;
    let header = [
        ("Shadow run", run.id.to_string()),
        ("Station", run.spec.station_id.to_string()),
        ("Strategy", run.spec.strategy.type_name().to_owned()),
        ("Period", format!("{} to {}", run.spec.from, run.spec.to)),
        ("Step (s)", run.spec.step_s.to_string()),
        (
            "Battery",
            format!(
                "{} Wh, charge {} W, discharge {} W, efficiency {}, initial SOC {} %",
                b.capacity_wh, b.max_charge_w, b.max_discharge_w, b.efficiency, b.initial_soc
            ),
        ),
    ];
    for (row, (label, value)) in header.iter().enumerate() {
        sheet.write_string_with_format(row as u32, 0, *label, &bold).map_err(err)?;
        sheet.write_string(row as u32, 1, value).map_err(err)?;
    }
    let top = header.len() as u32 + 1;
    for (col, name) in SHADOW_CSV_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(top, col as u16, *name, &bold).map_err(err)?;
    }
    for (i, cells) in rows.iter().enumerate() {
        let row = top + 1 + i as u32;
        for (col, cell) in cells.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(v) if !TEXT_COLUMNS.contains(&col) => sheet.write_number(row, col as u16, v).map_err(err)?,
                _ => sheet.write_string(row, col as u16, cell).map_err(err)?,
            };
        }
    }
    sheet.set_column_width(1, 12).map_err(err)?;
    book.save_to_buffer().map_err(err)
}
