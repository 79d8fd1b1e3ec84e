//! Refusals and results of telemetry queries.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::domain::repository::{PointRow, UnmappedKey};
use crate::domain::stored::UnroutedPoint;
use async_trait::async_trait;
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{Granularity, RepoError, StationId};

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap()
}

/// Queries whose only answer is `samples` (None: more than asked for).
struct Samples(Option<Vec<(String, DateTime<Utc>, f64)>>);

#[async_trait]
impl TelemetryQueries for Samples {
    async fn list_points(&self, _: &TenantId, _: &PointQuery, _: &PageRequest) -> Result<Page<PointRow>, RepoError> {
        Err(RepoError::Backend("not used".into()))
    }
    async fn numeric_samples(
        &self,
        _: &TenantId,
        _: &PointQuery,
        _: u32,
    ) -> Result<Option<Vec<(String, DateTime<Utc>, f64)>>, RepoError> {
        Ok(self.0.clone())
    }
    async fn latest_for_station(&self, _: &TenantId, _: StationId) -> Result<Vec<PointRow>, RepoError> {
        Err(RepoError::Backend("not used".into()))
    }
    async fn stored_raw_keys(&self, _: &TenantId, _: DeviceId) -> Result<Vec<UnmappedKey>, RepoError> {
        Err(RepoError::Backend("not used".into()))
    }
    async fn list_unrouted(&self, _: &TenantId, _: &PageRequest) -> Result<Page<UnroutedPoint>, RepoError> {
        Err(RepoError::Backend("not used".into()))
    }
    async fn quarantined_known_devices(&self, _: u32) -> Result<Vec<(TenantId, DeviceId)>, RepoError> {
        Err(RepoError::Backend("not used".into()))
    }
}

#[test]
fn given_from_not_before_to_when_building_a_query_then_empty_range() {
    let d = DeviceId::new();
    assert_eq!(point_query(d, None, at(10), at(10)), Err(TelemetryError::EmptyRange { from: at(10), to: at(10) }));
    assert!(matches!(point_query(d, None, at(11), at(10)), Err(TelemetryError::EmptyRange { .. })));
    assert_eq!(point_query(d, Some("p".into()), at(9), at(10)).map(|q| q.point), Ok(Some("p".to_owned())));
    let said = point_query(d, None, at(10), at(10)).err().map(|e| (e.code(), e.to_string()));
    let want = ("invalid_query", "from 1970-01-01 00:00:10 UTC must be before to 1970-01-01 00:00:10 UTC".to_owned());
    assert_eq!(said, Some(want));
}

#[test]
fn given_interval_and_agg_when_parsing_bucketing_then_each_refusal_or_the_default_avg() {
    assert_eq!(Bucketing::parse(None, None), Ok(None));
    assert_eq!(Bucketing::parse(None, Some("max")), Err(TelemetryError::AggWithoutInterval));
    assert_eq!(Bucketing::parse(Some("7m"), Some("max")), Err(TelemetryError::InvalidInterval("7m".into())));
    assert_eq!(Bucketing::parse(Some("1h"), Some("median")), Err(TelemetryError::InvalidAgg("median".into())));
    let hourly_avg = Bucketing { interval: Interval::Calendar(Granularity::Hour), agg: Agg::Avg };
    assert_eq!(Bucketing::parse(Some("1h"), None), Ok(Some(hourly_avg)));
    assert_eq!(TelemetryError::AggWithoutInterval.code(), "invalid_query");
}

#[tokio::test]
async fn given_more_samples_than_the_bound_when_bucketing_then_too_many_samples() {
    let tz = StationTz::parse("UTC").unwrap();
    let q = point_query(DeviceId::new(), None, at(0), at(7200)).unwrap();
    let by = Bucketing::parse(Some("1h"), Some("sum")).unwrap().unwrap();
    let refused = buckets(&Samples(None), &TenantId::parse("acme").unwrap(), &q, &tz, by).await;
    assert_eq!(refused, Err(TelemetryError::TooManySamples { max: MAX_BUCKET_SAMPLES }));
    assert_eq!(refused.err().map(|e| e.code()), Some("range_too_large"));
    let two = Samples(Some(vec![("p".into(), at(60), 1.0), ("p".into(), at(120), 2.0)]));
    let got = buckets(&two, &TenantId::parse("acme").unwrap(), &q, &tz, by).await.unwrap();
    assert_eq!(got.iter().map(|b| (b.start, b.value, b.samples)).collect::<Vec<_>>(), vec![(at(0), 3.0, 2)]);
}
