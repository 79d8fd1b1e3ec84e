//! Charging statistics: the fleet now, and sessions per window of a station's calendar.

use crate::{
    command_figures, fleet_figures, session_figures, utilisation_figures, ChargingError, ChargingStatsQueries,
    CommandStats, FleetFigures, SessionFigures, UtilisationFigures,
};
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

/// How far before a range a session may have started and still count in its utilisation (a
/// session running longer than this before the range is not seen).
pub const UTILISATION_LOOKBACK_HOURS: i64 = 48;

fn checked_windows(request: &SessionStatsRequest) -> Result<(DateTime<Utc>, DateTime<Utc>), ChargingError> {
    if request.from >= request.to {
        return Err(ChargingError::invalid("from", "must be before to"));
    }
    let max = if request.granularity == Granularity::Hour { MAX_HOURLY_DAYS } else { MAX_RANGE_DAYS };
    if request.to - request.from > Duration::days(max) {
        return Err(ChargingError::invalid("to", format!("the range is at most {max} days at this granularity")));
    }
    let first = request.tz.window_containing(request.granularity, request.from);
    let last = request.tz.window_containing(request.granularity, request.to - Duration::nanoseconds(1));
    Ok((first.start, last.end))
}

/// Utilisation of a station's ports per window (ranges as [`session_stats`]); sessions running at
/// `now` count up to `now`.
pub async fn utilisation_stats<Q: ChargingStatsQueries>(
    queries: &Q,
    scope: &Scope,
    request: &SessionStatsRequest,
    now: DateTime<Utc>,
) -> Result<Vec<UtilisationFigures>, ChargingError> {
    let (start, end) = checked_windows(request)?;
    let (_, connectors) = queries.fleet(scope, Some(request.station)).await?;
    let ports = connectors.iter().filter(|c| c.number > 0).count() as u64;
    let lookback = start - Duration::hours(UTILISATION_LOOKBACK_HOURS);
    let facts = queries.session_facts(scope, request.station, lookback, end).await?;
    Ok(utilisation_figures(&request.tz, request.granularity, start, end, ports, &facts, now))
}

/// Sessions of a station per window: every window from the one holding `from` to the one
/// holding the last instant before `to`.
pub async fn session_stats<Q: ChargingStatsQueries>(
    queries: &Q,
    scope: &Scope,
    request: &SessionStatsRequest,
) -> Result<Vec<SessionFigures>, ChargingError> {
    let (start, end) = checked_windows(request)?;
    let facts = queries.session_facts(scope, request.station, start, end).await?;
    Ok(session_figures(&request.tz, request.granularity, start, end, &facts))
}

/// Outcomes and response times of the commands issued to the charge points in `scope` (of one
/// station when given) from `from` (inclusive) to `to` (exclusive, at most 366 days later).
pub async fn command_stats<Q: ChargingStatsQueries>(
    queries: &Q,
    scope: &Scope,
    station: Option<StationId>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<CommandStats, ChargingError> {
    if from >= to {
        return Err(ChargingError::invalid("from", "must be before to"));
    }
    if to - from > Duration::days(MAX_RANGE_DAYS) {
        return Err(ChargingError::invalid("to", format!("the range is at most {MAX_RANGE_DAYS} days")));
    }
    Ok(command_figures(&queries.command_facts(scope, station, from, to).await?))
}
