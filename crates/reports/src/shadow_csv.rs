//! CSV of a shadow-run report: UTF-8 with BOM, CRLF, the fixed columns of
//! [`SHADOW_CSV_COLUMNS`](crate::SHADOW_CSV_COLUMNS), one row per local day and a total row.

use crate::shadow_table::{report_of, shadow_rows, SHADOW_CSV_COLUMNS};
use crate::ReportError;
use mgc_strategy::ShadowRun;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The report of a finished run as CSV.
pub fn shadow_csv(run: &ShadowRun) -> Result<Vec<u8>, ReportError> {
    let rows = shadow_rows(report_of(run)?)?;
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(BOM.to_vec());
    let err = |e: csv::Error| ReportError(e.to_string());
    w.write_record(SHADOW_CSV_COLUMNS).map_err(err)?;
    for row in rows {
        w.write_record(&row).map_err(err)?;
    }
    w.into_inner().map_err(|e| ReportError(e.to_string()))
}
