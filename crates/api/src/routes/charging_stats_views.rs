//! Exact response schemas of the charging statistics (the figures of the charging context, as
//! the OpenAPI document states them).

use chrono::{DateTime, Utc};
use mgc_charging::{DeviceCounts, FleetByType, FleetFigures, SessionFigures, UtilisationFigures};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Piles of one charger type now.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceCountsView {
    /// Piles.
    pub total: u64,
    /// Piles connected now.
    pub online: u64,
    /// Piles not connected.
    pub offline: u64,
}

impl From<DeviceCounts> for DeviceCountsView {
    fn from(c: DeviceCounts) -> Self {
        Self { total: c.total, online: c.online, offline: c.offline }
    }
}

/// Piles per charger type, every type present (zeros included).
#[derive(Debug, Serialize, ToSchema)]
pub struct FleetByTypeView {
    /// AC piles.
    pub ac: DeviceCountsView,
    /// DC piles.
    pub dc: DeviceCountsView,
    /// Two-wheeler chargers.
    pub two_wheeler: DeviceCountsView,
}

impl From<FleetByType> for FleetByTypeView {
    fn from(t: FleetByType) -> Self {
        Self { ac: t.ac.into(), dc: t.dc.into(), two_wheeler: t.two_wheeler.into() }
    }
}

/// Piles and ports now.
#[derive(Debug, Serialize, ToSchema)]
pub struct FleetView {
    /// Piles.
    pub total: u64,
    /// Piles connected now.
    pub online: u64,
    /// Piles not connected.
    pub offline: u64,
    /// Piles per protocol (`ocpp1.6j`, `ap3000`).
    pub by_protocol: BTreeMap<String, u64>,
    /// Piles per charger type (`ac`, `dc`, `two_wheeler`), online and offline.
    pub by_type: FleetByTypeView,
    /// Ports (connector 1 and up) per last reported status.
    pub ports_by_status: BTreeMap<String, u64>,
    /// Ports ready for a vehicle (`available`).
    pub ports_idle: u64,
    /// Ports charging or about to (`preparing`, `charging`, `suspended_*`, `finishing`).
    pub ports_charging: u64,
    /// Ports in fault (`faulted`).
    pub ports_fault: u64,
}

impl From<FleetFigures> for FleetView {
    fn from(f: FleetFigures) -> Self {
        Self {
            total: f.total,
            online: f.online,
            offline: f.offline,
            by_protocol: f.by_protocol,
            by_type: f.by_type.into(),
            ports_by_status: f.ports_by_status,
            ports_idle: f.ports_idle,
            ports_charging: f.ports_charging,
            ports_fault: f.ports_fault,
        }
    }
}

/// Sessions started in one window of the station's calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionFiguresView {
    /// Local label (`2026-03-29`, `2026-03`, …).
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
    /// Mean duration of the ended ones (whole seconds).
    pub avg_duration_s: Option<i64>,
    /// Completed ÷ ended, per mille.
    pub success_permille: Option<u32>,
    /// Ended sessions per stop reason (`none` when not given).
    pub stop_reasons: BTreeMap<String, u64>,
}

impl From<SessionFigures> for SessionFiguresView {
    fn from(f: SessionFigures) -> Self {
        Self {
            label: f.label,
            start: f.start,
            end: f.end,
            sessions: f.sessions,
            completed: f.completed,
            failed: f.failed,
            running: f.running,
            energy_wh: f.energy_wh,
            avg_duration_s: f.avg_duration_s,
            success_permille: f.success_permille,
            stop_reasons: f.stop_reasons,
        }
    }
}

/// Port utilisation in one window of the station's calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct UtilisationView {
    /// Local label (`2026-03-29`, …).
    pub label: String,
    /// Window start (UTC).
    pub start: DateTime<Utc>,
    /// Window end (UTC, exclusive).
    pub end: DateTime<Utc>,
    /// Ports counted (connector 1 and up of the station's piles).
    pub ports: u64,
    /// Ports × the window's seconds (a DST day has 23 or 25 hours).
    pub port_seconds: i64,
    /// Port-seconds spent in sessions.
    pub charging_seconds: i64,
    /// charging ÷ port seconds, per mille, rounded down (none without ports).
    pub utilisation_permille: Option<u32>,
}

impl From<UtilisationFigures> for UtilisationView {
    fn from(f: UtilisationFigures) -> Self {
        Self {
            label: f.label,
            start: f.start,
            end: f.end,
            ports: f.ports,
            port_seconds: f.port_seconds,
            charging_seconds: f.charging_seconds,
            utilisation_permille: f.utilisation_permille,
        }
    }
}
