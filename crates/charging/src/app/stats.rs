//! Charging statistics: the fleet now, and sessions per window of a station's calendar.

use crate::{fleet_figures, session_figures, ChargingError, ChargingStatsQueries, FleetFigures, SessionFigures};
use chrono::{DateTime, Duration, Utc};
use mgc_kernel::{Granularity, Scope, StationId, StationTz};

/// Longest range of session statistics (a year and a day, as the energy statistics allow).
const MAX_RANGE_DAYS: i64 = 366;
/// Longest range of hourly session statistics.
const MAX_HOURLY_DAYS: i64 = 31;

/// The piles and ports in `scope` (of one station when given) now.
pub async fn fleet_stats<Q: ChargingStatsQueries>(
    queries: &Q,
    scope: &Scope,
    station: Option<StationId>,
) -> Result<FleetFigures, ChargingError> {
    let (piles, connectors) = queries.fleet(scope, station).await?;
    Ok(fleet_figures(&piles, &connectors))
}

/// Which sessions to count and how to cut them.
#[derive(Debug, Clone)]
pub struct SessionStatsRequest {
    /// The station (its time zone cuts the windows).
    pub station: StationId,
    /// Its time zone.
    pub tz: StationTz,
    /// Window size.
    pub granularity: Granularity,
    /// Start of the range (UTC; windows are those of the station that overlap the range).
    pub from: DateTime<Utc>,
    /// End of the range (exclusive).
    pub to: DateTime<Utc>,
}

/// Sessions of a station per window: every window from the one holding `from` to the one
/// holding the last instant before `to`.
pub async fn session_stats<Q: ChargingStatsQueries>(
    queries: &Q,
    scope: &Scope,
    request: &SessionStatsRequest,
) -> Result<Vec<SessionFigures>, ChargingError> {
    if request.from >= request.to {
        return Err(ChargingError::invalid("from", "must be before to"));
    }
    let max = if request.granularity == Granularity::Hour { MAX_HOURLY_DAYS } else { MAX_RANGE_DAYS };
    if request.to - request.from > Duration::days(max) {
        return Err(ChargingError::invalid("to", format!("the range is at most {max} days at this granularity")));
    }
    let first = request.tz.window_containing(request.granularity, request.from);
    let last = request.tz.window_containing(request.granularity, request.to - Duration::nanoseconds(1));
    let facts = queries.session_facts(scope, request.station, first.start, last.end).await?;
    Ok(session_figures(&request.tz, request.granularity, first.start, last.end, &facts))
}
