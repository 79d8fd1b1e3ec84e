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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::settlement::SettlementState;
    use chrono::{TimeZone, Utc};
    use mgc_kernel::{StationTz, TenantId};

    fn given_an_unpriced_day() -> (Settlement, SettlementVersion) {
        let at = Utc.with_ymd_and_hms(2026, 3, 10, 16, 0, 0).unwrap();
        let s = Settlement {
            id: SettlementId::new(),
            tenant: TenantId::parse("acme").unwrap(),
            station_id: StationId::new(),
            day: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
            time_zone: StationTz::parse("Asia/Shanghai").unwrap(),
            day_start: at,
            day_end: at,
            state: SettlementState::Unpriced,
            version: 1,
            frozen_at: None,
            created_at: at,
            updated_at: at,
        };
        let v = SettlementVersion {
            version: 1,
            cause: "statistic v1".into(),
            stat_version: 1,
            sources: Vec::new(),
            tariff: None,
            figures: None,
            unpriced_reason: Some("no tariff".into()),
            calculated_at: at,
        };
        (s, v)
    }

    #[test]
    fn given_a_version_when_hashed_then_its_content_counts_and_its_cause_and_time_do_not() {
        let (s, v) = given_an_unpriced_day();
        let hash = settlement_content_hash(&s, &v);
        assert_eq!(hash.len(), 64);
        assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
        let mut recaused = v.clone();
        recaused.cause = "tariff assigned".into();
        recaused.calculated_at += chrono::Duration::hours(1);
        assert_eq!(settlement_content_hash(&s, &recaused), hash, "cause and time are not content");
        let mut next = v.clone();
        next.version = 2;
        assert_ne!(settlement_content_hash(&s, &next), hash, "another version, another hash");
        let mut reason = v;
        reason.unpriced_reason = Some("no statistic".into());
        assert_ne!(settlement_content_hash(&s, &reason), hash);
    }
}
