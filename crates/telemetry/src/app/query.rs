//! Reading telemetry: the rules of a query (a non-empty range, a valid bucketing) and bucketed
//! values within the bound on samples one query may read.

use crate::domain::aggregate::{aggregate, Agg, Bucket, Interval};
use crate::domain::error::TelemetryError;
use crate::domain::repository::{PointQuery, TelemetryQueries};
use chrono::{DateTime, Utc};
use mgc_kernel::{DeviceId, StationTz, TenantId};

/// Most samples one bucketed query reads.
pub const MAX_BUCKET_SAMPLES: u32 = 500_000;

/// The query of one device's points (only `point`, when given) with `from <= ts < to`.
///
/// # Errors
/// [`TelemetryError::EmptyRange`] when `from` is not before `to`.
pub fn point_query(
    device_id: DeviceId,
    point: Option<String>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<PointQuery, TelemetryError> {
    if from >= to {
        return Err(TelemetryError::EmptyRange { from, to });
    }
    Ok(PointQuery { device_id, point, from, to })
}

/// How the points of a query are bucketed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucketing {
    /// Bucket size.
    pub interval: Interval,
    /// How a bucket's samples are combined.
    pub agg: Agg,
}

impl Bucketing {
    /// The bucketing asked by `interval` and `agg` (default `avg`); `None` without `interval`.
    ///
    /// # Errors
    /// [`TelemetryError::InvalidInterval`], [`TelemetryError::InvalidAgg`], or
    /// [`TelemetryError::AggWithoutInterval`] for an `agg` alone.
    pub fn parse(interval: Option<&str>, agg: Option<&str>) -> Result<Option<Self>, TelemetryError> {
        match interval {
            Some(interval) => {
                let interval: Interval = interval.parse()?;
                let agg: Agg = agg.unwrap_or("avg").parse()?;
                Ok(Some(Self { interval, agg }))
            }
            None if agg.is_some() => Err(TelemetryError::AggWithoutInterval),
            None => Ok(None),
        }
    }
}

/// The buckets of `q` in the station's zone `tz`, reading at most [`MAX_BUCKET_SAMPLES`].
///
/// # Errors
/// [`TelemetryError::TooManySamples`] when the query holds more; `Repo` when storage fails.
pub async fn buckets<Q: TelemetryQueries + ?Sized>(
    queries: &Q,
    tenant: &TenantId,
    q: &PointQuery,
    tz: &StationTz,
    by: Bucketing,
) -> Result<Vec<Bucket>, TelemetryError> {
    let samples = queries
        .numeric_samples(tenant, q, MAX_BUCKET_SAMPLES)
        .await?
        .ok_or(TelemetryError::TooManySamples { max: MAX_BUCKET_SAMPLES })?;
    Ok(aggregate(&samples, tz, by.interval, by.agg))
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
