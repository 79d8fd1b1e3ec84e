//! XLSX rendering of a statement: a header block (station name, code and id, month, period,
//! version, state, currency, energy unit, content hash), then the statement table. Dates are date
//! cells (`yyyy-mm-dd`), energy a number of kWh (`0.000`), prices and amounts numbers with the
//! currency's decimals, parsed from their exact decimal rendering (what a spreadsheet stores).

use crate::meta::{StatementMeta, StationLabel, ENERGY_UNIT};
use crate::table::{amount, statement_rows};
use crate::ReportError;
use crate::STATEMENT_CSV_COLUMNS;
use chrono::{Datelike, NaiveDate};
use mgc_settlement::Statement;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

fn err(e: XlsxError) -> ReportError {
    ReportError(e.to_string())
}

/// The table's columns: the CSV's without the per-row statement facts (the header block has them).
const TABLE_FROM: usize = 7;

/// Number formats of one workbook.
struct Formats {
    bold: Format,
    date: Format,
    month: Format,
    integer: Format,
    energy: Format,
    price: Format,
    money: Format,
}

impl Formats {
    fn new(decimals: usize) -> Self {
        let fixed = if decimals == 0 { "0".to_owned() } else { format!("0.{}", "0".repeat(decimals)) };
        Self {
            bold: Format::new().set_bold(),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            month: Format::new().set_num_format("yyyy-mm").set_align(rust_xlsxwriter::FormatAlign::Left),
            integer: Format::new().set_num_format("0").set_align(rust_xlsxwriter::FormatAlign::Left),
            energy: Format::new().set_num_format("0.000"),
            price: Format::new().set_num_format(format!("{fixed}{}", if decimals == 0 { ".####" } else { "####" })),
            money: Format::new().set_num_format(fixed),
        }
    }
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, ReportError> {
    let (Ok(y), Ok(m), Ok(day)) = (u16::try_from(d.year()), u8::try_from(d.month()), u8::try_from(d.day())) else {
        return Err(ReportError(format!("date {d} out of range")));
    };
    ExcelDateTime::from_ymd(y, m, day).map_err(err)
}

fn write_date(sheet: &mut Worksheet, row: u32, col: u16, d: NaiveDate, f: &Format) -> Result<(), ReportError> {
    sheet.write_datetime_with_format(row, col, &excel_date(d)?, f).map_err(err)?;
    Ok(())
}

fn number(text: &str) -> Result<f64, ReportError> {
    text.parse().map_err(|_| ReportError(format!("'{text}' is not a number")))
}

/// Writes the header block; returns the first free row.
fn header(
    sheet: &mut Worksheet,
    s: &Statement,
    station: Option<StationLabel<'_>>,
    f: &Formats,
) -> Result<u32, ReportError> {
    let meta = StatementMeta::of(s);
    let labels = [
        "Station name",
        "Station code",
        "Station id",
        "Month",
        "Period",
        "Version",
        "State",
        "Currency",
        "Energy unit",
        "Content SHA-256",
    ];
    for (row, label) in labels.iter().enumerate() {
        sheet.write_string_with_format(row as u32, 0, *label, &f.bold).map_err(err)?;
    }
    sheet.write_string(0, 1, station.map_or("", |st| st.name)).map_err(err)?;
    sheet.write_string(1, 1, station.map_or("", |st| st.code)).map_err(err)?;
    sheet.write_string(2, 1, s.station_id.to_string()).map_err(err)?;
    match (meta.from, meta.to) {
        (Some(from), Some(to)) => {
            write_date(sheet, 3, 1, from, &f.month)?;
            write_date(sheet, 4, 1, from, &f.date)?;
            write_date(sheet, 4, 2, to, &f.date)?;
        }
        _ => {
            sheet.write_string(3, 1, &s.month).map_err(err)?;
        }
    }
    sheet.write_number_with_format(5, 1, f64::from(s.version), &f.integer).map_err(err)?;
    sheet.write_string(6, 1, s.state.as_str()).map_err(err)?;
    sheet.write_string(7, 1, s.content.currency.code()).map_err(err)?;
    sheet.write_string(8, 1, ENERGY_UNIT).map_err(err)?;
    sheet.write_string(9, 1, &meta.hash).map_err(err)?;
    Ok(labels.len() as u32 + 1)
}

/// The statement as an XLSX workbook with one sheet `Statement`; `station` names it.
pub fn statement_xlsx(s: &Statement, station: Option<StationLabel<'_>>) -> Result<Vec<u8>, ReportError> {
    let mut book = Workbook::new();
    let f = Formats::new(s.content.currency.minor_unit_exponent() as usize);
    let sheet = book.add_worksheet();
    sheet.set_name("Statement").map_err(err)?;
    let top = header(sheet, s, station, &f)?;
    for (col, name) in STATEMENT_CSV_COLUMNS[TABLE_FROM..].iter().enumerate() {
        sheet.write_string_with_format(top, col as u16, *name, &f.bold).map_err(err)?;
    }
    for (i, r) in statement_rows(s).into_iter().enumerate() {
        let row = top + 1 + i as u32;
        sheet.write_string(row, 0, r.kind).map_err(err)?;
        if let Some(d) = r.date {
            write_date(sheet, row, 1, d, &f.date)?;
        }
        sheet.write_string(row, 2, &r.reference).map_err(err)?;
        sheet.write_string(row, 3, r.direction).map_err(err)?;
        sheet.write_string(row, 4, &r.band).map_err(err)?;
        if let Some(wh) = r.energy_wh {
            // Wh / 1000 is the kWh figure the CSV prints (exact to the three decimals shown).
            sheet.write_number_with_format(row, 5, wh as f64 / 1000.0, &f.energy).map_err(err)?;
        }
        if !r.price.is_empty() {
            sheet.write_number_with_format(row, 6, number(&r.price)?, &f.price).map_err(err)?;
        }
        sheet.write_number_with_format(row, 7, number(&amount(s, r.amount_minor))?, &f.money).map_err(err)?;
        sheet.write_string(row, 8, s.content.currency.code()).map_err(err)?;
        sheet.write_string(row, 9, &r.note).map_err(err)?;
    }
    sheet.set_column_width(0, 16).map_err(err)?;
    sheet.set_column_width(1, 12).map_err(err)?;
    sheet.set_column_width(2, 42).map_err(err)?;
    book.save_to_buffer().map_err(err)
}
