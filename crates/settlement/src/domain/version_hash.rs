//! The content hash of one settlement version, as exports print it: SHA-256 (lowercase hex) of
//! the compact JSON of what the version says (which day, which version, the inputs and the
//! priced figures or the reason it is unpriced), so a filed export can be matched to its record.

use super::figures::DayFigures;
use super::ids::SettlementId;
use super::settlement::{Settlement, SettlementVersion, TariffRef};
use chrono::NaiveDate;
use mgc_contracts::SourceVersion;
use mgc_kernel::StationId;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hashed fields, in this order (cause and times are not part of the content).
#[derive(Serialize)]
struct Canonical<'a> {
    settlement_id: SettlementId,
    station_id: StationId,
    day: NaiveDate,
    version: u32,
    stat_version: u32,
    sources: &'a [SourceVersion],
    tariff: Option<TariffRef>,
    figures: Option<&'a DayFigures>,
    unpriced_reason: Option<&'a str>,
}

/// SHA-256 (hex) of the canonical serialisation of version `v` of settlement `s`.
#[must_use]
pub fn settlement_content_hash(s: &Settlement, v: &SettlementVersion) -> String {
    let canonical = Canonical {
        settlement_id: s.id,
        station_id: s.station_id,
        day: s.day,
        version: v.version,
        stat_version: v.stat_version,
        sources: &v.sources,
        tariff: v.tariff,
        figures: v.figures.as_ref(),
        unpriced_reason: v.unpriced_reason.as_deref(),
    };
    let bytes = serde_json::to_vec(&canonical).unwrap_or_default();
    hex::encode(Sha256::digest(&bytes))
}
