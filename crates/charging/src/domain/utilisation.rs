//! Port utilisation: the share of port-time spent in a session, per window of the station's
//! calendar, in per mille. A session occupies its port from its start to its stop (or to now while
//! it runs); the ports are those the station's piles have reported (connector 1 and up).

use crate::SessionFact;
use chrono::{DateTime, Utc};
use mgc_kernel::{Granularity, StationTz};
use serde::Serialize;

/// Utilisation of a station's ports in one window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UtilisationFigures {
    /// Local label of the window (`2026-03-29` for a day).
    pub label: String,
    /// Window start (UTC).
    pub start: DateTime<Utc>,
    /// Window end (UTC, exclusive).
    pub end: DateTime<Utc>,
    /// Ports counted.
    pub ports: u64,
    /// Port-seconds in the window (ports × its length; a DST day has 23 or 25 hours).
    pub port_seconds: i64,
    /// Port-seconds spent in sessions.
    pub charging_seconds: i64,
    /// charging ÷ port seconds in per mille, rounded down (none without ports).
    pub utilisation_permille: Option<u32>,
}

/// Utilisation of `ports` ports per `granularity` window of `tz` from `from` to `to`, from the
/// sessions of `facts` (running ones up to `now`).
pub fn utilisation_figures(
    tz: &StationTz,
    granularity: Granularity,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    ports: u64,
    facts: &[SessionFact],
    now: DateTime<Utc>,
) -> Vec<UtilisationFigures> {
    tz.windows_between(granularity, from, to)
        .iter()
        .map(|w| {
            let charging_seconds: i64 = facts
                .iter()
                .map(|f| {
                    let end = f.stopped_at.unwrap_or(now).min(w.end);
                    (end - f.started_at.max(w.start)).num_seconds().max(0)
                })
                .sum();
            let port_seconds = (w.end - w.start).num_seconds().saturating_mul(i64::try_from(ports).unwrap_or(i64::MAX));
            let utilisation_permille = (port_seconds > 0).then(|| {
                u32::try_from(i128::from(charging_seconds) * 1000 / i128::from(port_seconds)).unwrap_or(u32::MAX)
            });
            UtilisationFigures {
                label: tz.local_label(w, granularity),
                start: w.start,
                end: w.end,
                ports,
                port_seconds,
                charging_seconds,
                utilisation_permille,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SessionState;
    use mgc_kernel::Wh;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn fact(start: &str, stop: Option<&str>) -> SessionFact {
        SessionFact {
            started_at: at(start),
            stopped_at: stop.map(at),
            state: SessionState::Completed,
            energy: Wh(0),
            stop_reason: None,
        }
    }

    #[test]
    fn given_the_23_hour_berlin_day_then_sessions_are_cut_at_its_edges() {
        let tz = StationTz::parse("Europe/Berlin").unwrap();
        let facts = [
            fact("2026-03-28T22:30:00Z", Some("2026-03-28T23:30:00Z")), // 30 min inside
            fact("2026-03-29T21:00:00Z", None),                         // runs to now, cut at 22:00Z
        ];
        let days = utilisation_figures(
            &tz,
            Granularity::Day,
            at("2026-03-28T23:00:00Z"),
            at("2026-03-29T22:00:00Z"),
            2,
            &facts,
            at("2026-03-30T08:00:00Z"),
        );
        assert_eq!(days.len(), 1);
        assert_eq!((days[0].port_seconds, days[0].charging_seconds), (2 * 23 * 3600, 1800 + 3600));
        assert_eq!(days[0].utilisation_permille, Some(5400 * 1000 / 165_600));
        let none = utilisation_figures(&tz, Granularity::Day, days[0].start, days[0].end, 0, &facts, days[0].end);
        assert_eq!(none[0].utilisation_permille, None);
    }
}
