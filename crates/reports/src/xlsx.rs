//! XLSX rendering of a statement: a header block, then the statement table with numeric cells.
//! Amounts are written as numbers parsed from their exact decimal rendering (what a spreadsheet
//! stores anyway) with a fixed number of decimals; energy in Wh is an exact integer.

use crate::table::{amount, statement_rows};
use crate::ReportError;
use crate::STATEMENT_CSV_COLUMNS;
use mgc_settlement::Statement;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

fn err(e: XlsxError) -> ReportError {
    ReportError(e.to_string())
}

/// The statement as an XLSX workbook with one sheet `Statement`.
pub fn statement_xlsx(s: &Statement) -> Result<Vec<u8>, ReportError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let decimals = s.content.currency.minor_unit_exponent() as usize;
    let money = Format::new().set_num_format(if decimals == 0 {
        "0".to_owned()
    } else {
        format!("0.{}", "0".repeat(decimals))
    });
    let sheet = book.add_worksheet();
    sheet.set_name("Statement").map_err(err)?;
    let header = [
        ("Station", s.station_id.to_string()),
        ("Month", s.month.clone()),
        ("Version", s.version.to_string()),
        ("State", s.state.as_str().to_owned()),
        ("Currency", s.content.currency.to_string()),
        ("Content hash", s.content_hash.clone().unwrap_or_default()),
    ];
    for (row, (label, value)) in header.iter().enumerate() {
        sheet.write_string_with_format(row as u32, 0, *label, &bold).map_err(err)?;
        sheet.write_string(row as u32, 1, value).map_err(err)?;
    }
    let top = header.len() as u32 + 1;
    for (col, name) in STATEMENT_CSV_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(top, col as u16, *name, &bold).map_err(err)?;
    }
    for (i, r) in statement_rows(s).into_iter().enumerate() {
        let row = top + 1 + i as u32;
        sheet.write_string(row, 0, r.kind).map_err(err)?;
        sheet.write_string(row, 1, &r.date).map_err(err)?;
        sheet.write_string(row, 2, &r.reference).map_err(err)?;
        sheet.write_string(row, 3, r.direction).map_err(err)?;
        sheet.write_string(row, 4, &r.band).map_err(err)?;
        if let Some(wh) = r.energy_wh {
            sheet.write_number(row, 5, wh as f64).map_err(err)?;
        }
        if !r.price.is_empty() {
            let price: f64 = r.price.parse().map_err(|_| ReportError(format!("price {}", r.price)))?;
            sheet.write_number(row, 6, price).map_err(err)?;
        }
        let exact = amount(s, r.amount_minor);
        let value: f64 = exact.parse().map_err(|_| ReportError(format!("amount {exact}")))?;
        sheet.write_number_with_format(row, 7, value, &money).map_err(err)?;
        sheet.write_string(row, 8, s.content.currency.code()).map_err(err)?;
        sheet.write_string(row, 9, &r.note).map_err(err)?;
    }
    sheet.set_column_width(2, 42).map_err(err)?;
    book.save_to_buffer().map_err(err)
}
