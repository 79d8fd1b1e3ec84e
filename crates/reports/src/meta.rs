//! What every settlement and statement export names: the station (name and code), the period,
//! the state, the version and the content hash, and the one unit energy is given in.

use chrono::NaiveDate;
use mgc_settlement::domain::statement::month_range;
use mgc_settlement::{content_hash, Statement};

/// The unit of every energy figure in settlement and statement exports (kWh with three decimals,
/// rendered exactly from integer Wh).
pub const ENERGY_UNIT: &str = "kWh";

/// The station a report is for, as people know it.
#[derive(Debug, Clone, Copy)]
pub struct StationLabel<'a> {
    /// Its name (any script).
    pub name: &'a str,
    /// Its code.
    pub code: &'a str,
}

/// The field separator of a CSV export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Delimiter {
    /// `,` (the default).
    #[default]
    Comma,
    /// `;`, what Excel expects where the decimal separator is a comma.
    Semicolon,
}

impl Delimiter {
    /// The separator byte.
    #[must_use]
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
        }
    }
}

/// The header facts of one statement version, shared by its three renderings.
pub(crate) struct StatementMeta {
    /// First local date of the month.
    pub from: Option<NaiveDate>,
    /// Last local date of the month.
    pub to: Option<NaiveDate>,
    /// SHA-256 (hex) of the content: the stamped one once issued, else of the current content.
    pub hash: String,
}

impl StatementMeta {
    /// The facts of `s`.
    pub fn of(s: &Statement) -> Self {
        let range = month_range(&s.month).ok();
        let hash = s.content_hash.clone().unwrap_or_else(|| content_hash(&s.content));
        Self { from: range.map(|r| r.0), to: range.map(|r| r.1), hash }
    }

    /// `2026-03-01 to 2026-03-31` (the month text when it is not a month).
    pub fn period(&self, s: &Statement) -> String {
        match (self.from, self.to) {
            (Some(from), Some(to)) => format!("{from} to {to}"),
            _ => s.month.clone(),
        }
    }
}
