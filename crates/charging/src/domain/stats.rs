//! Charging statistics: the fleet as it is now (piles online, ports by status) and sessions per
//! window of the station's local calendar (count, outcome, energy, duration, stop reasons).

use crate::{ChargePoint, ChargerType, Connector, ConnectorStatus, SessionState, StopReason};
use chrono::{DateTime, Utc};
use mgc_kernel::{Granularity, StationTz, Wh};
use serde::Serialize;
use std::collections::BTreeMap;

/// Piles of one kind: how many, connected now or not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DeviceCounts {
    /// Piles.
    pub total: u64,
    /// Piles connected now.
    pub online: u64,
    /// Piles not connected.
    pub offline: u64,
}

impl DeviceCounts {
    fn count(&mut self, connected: bool) {
        self.total += 1;
        if connected {
            self.online += 1;
        } else {
            self.offline += 1;
        }
    }
}

/// Piles per charger type, every type present (zeros included).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FleetByType {
    /// AC piles.
    pub ac: DeviceCounts,
    /// DC piles.
    pub dc: DeviceCounts,
    /// Two-wheeler chargers.
    pub two_wheeler: DeviceCounts,
}

impl FleetByType {
    /// The counts of `charger_type`.
    pub fn of_mut(&mut self, charger_type: ChargerType) -> &mut DeviceCounts {
        match charger_type {
            ChargerType::Ac => &mut self.ac,
            ChargerType::Dc => &mut self.dc,
            ChargerType::TwoWheeler => &mut self.two_wheeler,
        }
    }
}

/// The fleet now.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FleetFigures {
    /// Piles.
    pub total: u64,
    /// Piles connected now.
    pub online: u64,
    /// Piles not connected.
    pub offline: u64,
    /// Piles per protocol (`ocpp1.6j`, `ap3000`).
    pub by_protocol: BTreeMap<String, u64>,
    /// Piles per charger type (AC, DC, two-wheeler), online and offline.
    pub by_type: FleetByType,
    /// Ports (connector 1 and up) per last reported status.
    pub ports_by_status: BTreeMap<String, u64>,
    /// Ports ready for a vehicle (`available`).
    pub ports_idle: u64,
    /// Ports with a vehicle charging or about to (`preparing`, `charging`, `suspended_*`, `finishing`).
    pub ports_charging: u64,
    /// Ports in fault (`faulted`).
    pub ports_fault: u64,
}

/// The fleet figures of `piles` and their `connectors` (connector 0, the pile itself, is not a port).
pub fn fleet_figures(piles: &[ChargePoint], connectors: &[Connector]) -> FleetFigures {
    let mut f = FleetFigures { total: piles.len() as u64, ..FleetFigures::default() };
    for p in piles {
        if p.connected {
            f.online += 1;
        }
        *f.by_protocol.entry(p.protocol.to_string()).or_default() += 1;
        f.by_type.of_mut(p.charger_type).count(p.connected);
    }
    f.offline = f.total - f.online;
    for c in connectors.iter().filter(|c| c.number > 0) {
        *f.ports_by_status.entry(c.status.to_string()).or_default() += 1;
        match c.status {
            ConnectorStatus::Available => f.ports_idle += 1,
            ConnectorStatus::Faulted => f.ports_fault += 1,
            ConnectorStatus::Preparing
            | ConnectorStatus::Charging
            | ConnectorStatus::SuspendedEv
            | ConnectorStatus::SuspendedEvse
            | ConnectorStatus::Finishing => f.ports_charging += 1,
            ConnectorStatus::Reserved | ConnectorStatus::Unavailable => {}
        }
    }
    f
}

/// One session as statistics count it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionFact {
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End, once ended.
    pub stopped_at: Option<DateTime<Utc>>,
    /// State now.
    pub state: SessionState,
    /// Energy delivered.
    pub energy: Wh,
    /// Why it ended.
    pub stop_reason: Option<StopReason>,
}

/// Sessions that started in one window of the station's calendar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionFigures {
    /// Local label of the window (`2026-03-29` for a day, `2026-03` for a month).
    pub label: String,
    /// Window start (UTC).
    pub start: DateTime<Utc>,
    /// Window end (UTC, exclusive).
    pub end: DateTime<Utc>,
    /// Sessions started in it.
    pub sessions: u64,
    /// Of those, completed.
    pub completed: u64,
    /// Of those, failed.
    pub failed: u64,
    /// Of those, not ended yet.
    pub running: u64,
    /// Energy of all of them (Wh).
    pub energy_wh: i64,
    /// Mean duration of the ended ones (whole seconds, rounded down).
    pub avg_duration_s: Option<i64>,
    /// Completed ÷ ended, in per mille (none when none ended).
    pub success_permille: Option<u32>,
    /// Ended sessions per stop reason (`local`, `remote`, `ev_disconnected`, …; `none` when not given).
    pub stop_reasons: BTreeMap<String, u64>,
}

/// The sessions of `facts` per `granularity` window of `tz` from `from` to `to`, every window
/// present (zeros included); a session counts in the window its start falls in.
pub fn session_figures(
    tz: &StationTz,
    granularity: Granularity,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    facts: &[SessionFact],
) -> Vec<SessionFigures> {
    let windows = tz.windows_between(granularity, from, to);
    let mut out: Vec<SessionFigures> = windows
        .iter()
        .map(|w| SessionFigures {
            label: tz.local_label(w, granularity),
            start: w.start,
            end: w.end,
            sessions: 0,
            completed: 0,
            failed: 0,
            running: 0,
            energy_wh: 0,
            avg_duration_s: None,
            success_permille: None,
            stop_reasons: BTreeMap::new(),
        })
        .collect();
    let mut durations: Vec<(i64, i64)> = vec![(0, 0); out.len()];
    for fact in facts {
        let Some(i) = windows.iter().position(|w| w.contains(fact.started_at)) else { continue };
        let (figures, duration) = (&mut out[i], &mut durations[i]);
        figures.sessions += 1;
        figures.energy_wh = figures.energy_wh.saturating_add(fact.energy.0);
        match fact.state {
            SessionState::Completed => figures.completed += 1,
            SessionState::Failed => figures.failed += 1,
            _ => figures.running += 1,
        }
        if let (true, Some(stop)) = (fact.state.is_terminal(), fact.stopped_at) {
            duration.0 += (stop - fact.started_at).num_seconds().max(0);
            duration.1 += 1;
            let reason = fact.stop_reason.map_or_else(|| "none".to_owned(), |r| r.to_string());
            *figures.stop_reasons.entry(reason).or_default() += 1;
        }
    }
    for (figures, (total, ended)) in out.iter_mut().zip(durations) {
        if ended > 0 {
            figures.avg_duration_s = Some(total / ended);
        }
        let ended_count = figures.completed + figures.failed;
        figures.success_permille =
            (figures.completed * 1000).checked_div(ended_count).and_then(|p| u32::try_from(p).ok());
    }
    out
}
