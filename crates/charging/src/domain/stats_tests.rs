//! Given/when/then tests of the charging statistics.

use super::stats::{fleet_figures, session_figures, SessionFact};
use crate::{ChargePoint, Connector, ConnectorErrorCode, ConnectorStatus, OcppIdentity, Protocol, RegistrationStatus};
use crate::{ChargerType, DeviceCounts, SessionState, StopReason};
use chrono::{DateTime, TimeZone, Utc};
use mgc_kernel::{Granularity, StationTz, TenantId, Wh};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn fact(start: &str, stop: Option<&str>, state: SessionState, wh: i64, reason: Option<StopReason>) -> SessionFact {
    SessionFact { started_at: at(start), stopped_at: stop.map(at), state, energy: Wh(wh), stop_reason: reason }
}

#[test]
fn given_sessions_around_a_dst_day_when_counted_per_local_day_then_each_lands_on_its_local_date() {
    // Berlin moves from +01:00 to +02:00 on 2026-03-29: that local day has 23 hours,
    // from 2026-03-28T23:00Z to 2026-03-29T22:00Z.
    let tz = StationTz::parse("Europe/Berlin").unwrap();
    let facts = [
        // 00:30 local on the 29th (still +01:00): the 29th.
        fact(
            "2026-03-28T23:30:00Z",
            Some("2026-03-29T00:30:00Z"),
            SessionState::Completed,
            7_000,
            Some(StopReason::Local),
        ),
        // 23:59 local on the 29th (+02:00): the 29th.
        fact(
            "2026-03-29T21:59:00Z",
            Some("2026-03-29T22:29:00Z"),
            SessionState::Failed,
            500,
            Some(StopReason::EvDisconnected),
        ),
        // 00:00 local on the 30th: not the 29th.
        fact("2026-03-29T22:00:00Z", None, SessionState::Charging, 1_200, None),
        // 23:59 local on the 28th (+01:00): the 28th, outside the range.
        fact("2026-03-28T22:59:00Z", Some("2026-03-28T23:59:00Z"), SessionState::Completed, 9_999, None),
    ];
    let from = Utc.with_ymd_and_hms(2026, 3, 28, 23, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2026, 3, 30, 22, 0, 0).unwrap();
    let days = session_figures(&tz, Granularity::Day, from, to, &facts);
    let labels: Vec<&str> = days.iter().map(|d| d.label.as_str()).collect();
    assert_eq!(labels, ["2026-03-29", "2026-03-30"]);
    let d29 = &days[0];
    assert_eq!((d29.end - d29.start).num_hours(), 23, "the short day");
    assert_eq!((d29.sessions, d29.completed, d29.failed, d29.running), (2, 1, 1, 0));
    assert_eq!(d29.energy_wh, 7_500);
    assert_eq!(d29.avg_duration_s, Some(3_600 / 2 + 1_800 / 2));
    assert_eq!(d29.success_permille, Some(500));
    assert_eq!(d29.stop_reasons.get("local"), Some(&1));
    assert_eq!(d29.stop_reasons.get("ev_disconnected"), Some(&1));
    let d30 = &days[1];
    assert_eq!((d30.sessions, d30.running, d30.energy_wh), (1, 1, 1_200));
    assert_eq!((d30.avg_duration_s, d30.success_permille), (None, None), "nothing ended on the 30th");
}

#[test]
fn given_piles_and_ports_when_summed_then_online_and_ports_by_kind() {
    let tenant = TenantId::parse("acme").unwrap();
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 0, 0, 0).unwrap();
    let pile = |id: &str, protocol: Protocol, connected: bool| {
        let mut cp =
            ChargePoint::register(tenant.clone(), OcppIdentity::parse(id).unwrap(), RegistrationStatus::Accepted, now);
        cp.protocol = protocol;
        cp.connected = connected;
        cp
    };
    let mut piles =
        [pile("A", Protocol::Ocpp16J, true), pile("B", Protocol::Ap3000, false), pile("C", Protocol::Ap3000, true)];
    piles[1].charger_type = ChargerType::TwoWheeler;
    piles[2].charger_type = ChargerType::Dc;
    let port = |number: u32, status: ConnectorStatus| Connector {
        tenant: tenant.clone(),
        charge_point_id: piles[0].id,
        number,
        status,
        error_code: ConnectorErrorCode::NoError,
        info: None,
        vendor_id: None,
        vendor_error_code: None,
        status_at: now,
        history: Vec::new(),
    };
    let ports = [
        port(0, ConnectorStatus::Faulted),
        port(1, ConnectorStatus::Available),
        port(2, ConnectorStatus::SuspendedEv),
        port(3, ConnectorStatus::Faulted),
        port(4, ConnectorStatus::Unavailable),
    ];
    let f = fleet_figures(&piles, &ports);
    assert_eq!((f.total, f.online, f.offline), (3, 2, 1));
    assert_eq!((f.by_protocol["ap3000"], f.by_protocol["ocpp1.6j"]), (2, 1));
    assert_eq!((f.ports_idle, f.ports_charging, f.ports_fault), (1, 1, 1), "connector 0 is the pile, not a port");
    assert_eq!(f.ports_by_status.values().sum::<u64>(), 4);
    let counts = |total, online, offline| DeviceCounts { total, online, offline };
    assert_eq!(f.by_type.ac, counts(1, 1, 0));
    assert_eq!(f.by_type.dc, counts(1, 1, 0));
    assert_eq!(f.by_type.two_wheeler, counts(1, 0, 1));
}
