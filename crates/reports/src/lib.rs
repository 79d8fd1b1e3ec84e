//! Report rendering edge: daily settlements, monthly statements, shadow-run reports and charging timelines as CSV (UTF-8 with BOM,
//! ISO dates, fixed column order, `,` or `;`), XLSX (rust_xlsxwriter) and PDF (pdf-writer, built-in
//! Helvetica plus an embedded CJK-capable font found at build time for other text). Pure functions from domain values to bytes; amounts are rendered exactly from
//! integer minor units.

#![warn(missing_docs)]

mod csv_export;
mod meta;
mod pdf;
mod pdf_font;
mod pdf_metrics;
mod shadow_csv;
mod shadow_pdf;
mod shadow_table;
mod shadow_xlsx;
mod stats_export;
mod table;
mod timeline_csv;
mod xlsx;

pub use csv_export::{settlements_csv, statement_csv, SETTLEMENT_CSV_COLUMNS, STATEMENT_CSV_COLUMNS};
pub use meta::{Delimiter, StationLabel, ENERGY_UNIT};
pub use pdf::statement_pdf;
pub use pdf_font::UNICODE_FONT;
pub use shadow_csv::shadow_csv;
pub use shadow_pdf::shadow_pdf;
pub use shadow_table::SHADOW_CSV_COLUMNS;
pub use shadow_xlsx::shadow_xlsx;
pub use stats_export::{stats_csv, stats_xlsx, StatsCell, StatsTable, STATS_CSV_LEAD_COLUMNS};
pub use timeline_csv::{timeline_csv, TIMELINE_CSV_COLUMNS};
pub use xlsx::statement_xlsx;

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
#[error("cannot render report: {0}")]
pub struct ReportError(pub String);
