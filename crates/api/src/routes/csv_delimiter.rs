//! `?delimiter=comma|semicolon` of the CSV downloads (semicolon: what Excel expects where the
//! decimal separator is a comma).

use serde::Deserialize;
use utoipa::ToSchema;

/// Field separator of a CSV download.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CsvDelimiter {
    /// `,` (the default).
    #[default]
    Comma,
    /// `;`.
    Semicolon,
}

impl From<CsvDelimiter> for mgc_reports::Delimiter {
    fn from(d: CsvDelimiter) -> Self {
        match d {
            CsvDelimiter::Comma => mgc_reports::Delimiter::Comma,
            CsvDelimiter::Semicolon => mgc_reports::Delimiter::Semicolon,
        }
    }
}
