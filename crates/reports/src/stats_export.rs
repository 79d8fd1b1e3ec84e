//! CSV and XLSX of a statistics table (charging sessions, utilisation, commands). The CSV is
//! UTF-8 with BOM, CRLF, `,` or `;`; every row leads with what the file is about (station code,
//! name and id, range, granularity, units), and unit-suffixed column names follow. The XLSX has
//! the same facts as a header block above the table, figures as numbers.

use crate::meta::Delimiter;
use crate::ReportError;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// Columns every statistics CSV row leads with, in order.
pub const STATS_CSV_LEAD_COLUMNS: [&str; 7] =
    ["station_code", "station_name", "station_id", "from", "to", "granularity", "units"];

/// One cell of a statistics table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatsCell {
    /// Text (labels, times, methods).
    Text(String),
    /// A whole number.
    Int(i64),
    /// No value (e.g. a rate without a denominator).
    Empty,
}

impl StatsCell {
    /// A number when there is one, empty otherwise.
    pub fn opt<T: TryInto<i64>>(v: Option<T>) -> Self {
        v.and_then(|v| v.try_into().ok()).map_or(Self::Empty, Self::Int)
    }

    fn text(&self) -> String {
        match self {
            Self::Text(t) => t.clone(),
            Self::Int(i) => i.to_string(),
            Self::Empty => String::new(),
        }
    }
}

/// A statistics table and what it is about.
#[derive(Debug, Clone)]
pub struct StatsTable {
    /// Sheet name (`Sessions`, `Utilisation`, `Commands`).
    pub title: &'static str,
    /// Station code (empty for every station in scope).
    pub station_code: String,
    /// Station name.
    pub station_name: String,
    /// Station id.
    pub station_id: String,
    /// Start of the range (RFC 3339 UTC).
    pub from: String,
    /// End of the range (RFC 3339 UTC, exclusive).
    pub to: String,
    /// `hour`, `day`, `month`, `year`, or `range` for one row per method over the whole range.
    pub granularity: String,
    /// The units of the figures, in words.
    pub units: &'static str,
    /// Column names (units in their suffixes).
    pub columns: &'static [&'static str],
    /// The rows, one cell per column.
    pub rows: Vec<Vec<StatsCell>>,
}

impl StatsTable {
    fn lead(&self) -> [String; 7] {
        [
            self.station_code.clone(),
            self.station_name.clone(),
            self.station_id.clone(),
            self.from.clone(),
            self.to.clone(),
            self.granularity.clone(),
            self.units.to_owned(),
        ]
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The table as CSV: the lead columns then the table's, one line per row.
pub fn stats_csv(t: &StatsTable, delimiter: Delimiter) -> Result<Vec<u8>, ReportError> {
    let err = |e: csv::Error| ReportError(e.to_string());
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter.byte())
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    let header: Vec<&str> = STATS_CSV_LEAD_COLUMNS.iter().chain(t.columns.iter()).copied().collect();
    w.write_record(&header).map_err(err)?;
    for row in &t.rows {
        let mut cells = t.lead().to_vec();
        cells.extend(row.iter().map(StatsCell::text));
        w.write_record(&cells).map_err(err)?;
    }
    w.into_inner().map_err(|e| ReportError(e.to_string()))
}

fn xerr(e: XlsxError) -> ReportError {
    ReportError(e.to_string())
}

/// The table as an XLSX workbook with one sheet named by its title: a header block (station,
/// range, granularity, units), a blank line, the column names and the rows.
pub fn stats_xlsx(t: &StatsTable) -> Result<Vec<u8>, ReportError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name(t.title).map_err(xerr)?;
    let station = if t.station_id.is_empty() {
        "every station in scope".to_owned()
    } else {
        format!("{} {} ({})", t.station_code, t.station_name, t.station_id)
    };
    let header = [
        ("Station", station),
        ("Range", format!("{} to {} (exclusive)", t.from, t.to)),
        ("Granularity", t.granularity.clone()),
        ("Units", t.units.to_owned()),
    ];
    for (row, (label, value)) in header.iter().enumerate() {
        sheet.write_string_with_format(row as u32, 0, *label, &bold).map_err(xerr)?;
        sheet.write_string(row as u32, 1, value).map_err(xerr)?;
    }
    let top = header.len() as u32 + 1;
    for (col, name) in t.columns.iter().enumerate() {
        sheet.write_string_with_format(top, col as u16, *name, &bold).map_err(xerr)?;
    }
    for (i, cells) in t.rows.iter().enumerate() {
        let row = top + 1 + i as u32;
        for (col, cell) in cells.iter().enumerate() {
            match cell {
                StatsCell::Text(s) => sheet.write_string(row, col as u16, s).map_err(xerr)?,
                StatsCell::Int(v) => sheet.write_number(row, col as u16, *v as f64).map_err(xerr)?,
                StatsCell::Empty => continue,
            };
        }
    }
    book.save_to_buffer().map_err(xerr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> StatsTable {
        StatsTable {
            title: "Commands",
            station_code: "ev-1".into(),
            station_name: "EV hub".into(),
            station_id: "s1".into(),
            from: "2026-03-01T00:00:00Z".into(),
            to: "2026-03-02T00:00:00Z".into(),
            granularity: "range".into(),
            units: "ms",
            columns: &["method", "count", "p50_ms"],
            rows: vec![vec![StatsCell::Text("Reset".into()), StatsCell::Int(3), StatsCell::Empty]],
        }
    }

    #[test]
    fn csv_rows_lead_with_station_range_granularity_and_units() {
        let text = String::from_utf8(stats_csv(&table(), Delimiter::Semicolon).unwrap()).unwrap();
        let lines: Vec<&str> = text.strip_prefix('\u{feff}').unwrap().split("\r\n").collect();
        assert_eq!(lines[0], "station_code;station_name;station_id;from;to;granularity;units;method;count;p50_ms");
        assert_eq!(lines[1], "ev-1;EV hub;s1;2026-03-01T00:00:00Z;2026-03-02T00:00:00Z;range;ms;Reset;3;");
    }

    #[test]
    fn xlsx_is_a_zip_workbook() {
        let bytes = stats_xlsx(&table()).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
