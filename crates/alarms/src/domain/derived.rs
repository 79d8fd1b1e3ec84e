//! Derived points: facts that integration events tell rather than telemetry (a charge point
//! online or not, a port faulted, the share of failed sessions, the notification backlog). They
//! are kept as latest values of the charger's device (or of the tenant) beside its telemetry, so
//! ordinary threshold rules evaluate them on the same path: one engine, more inputs.

use crate::domain::ports::Originator;
use chrono::{DateTime, Utc};
use mgc_kernel::{DeviceId, StationId, StationTz, TenantId};

/// 1 while the charge point is connected, 0 from its disconnection (or silence) on.
pub const ONLINE: &str = "online";

/// Share of failed sessions among the last [`DEFAULT_ERROR_WINDOW`] ended sessions, in percent.
pub const SESSION_ERROR_RATE: &str = "session_error_rate_pct";

/// Prefix of `session_error_rate_pct_last_<n>`: the share among the last `n` ended sessions.
pub const SESSION_ERROR_RATE_LAST: &str = "session_error_rate_pct_last_";

/// Number of the charge point's ports (connectors 1 and up) currently faulted: one rule
/// (`ports_faulted >= 1`) watches every port, where `connector_<n>_fault` needs one per port.
pub const PORTS_FAULTED: &str = "ports_faulted";

/// Deliveries of the tenant pending or retrying (alarm channels and platform subscriptions).
pub const NOTIFY_BACKLOG: &str = "notify_backlog";

/// Sessions `session_error_rate_pct` counts.
pub const DEFAULT_ERROR_WINDOW: u32 = 10;

/// Most sessions an error-rate point may count.
pub const MAX_ERROR_WINDOW: u32 = 500;

/// Device kind of the tenant-wide originator.
pub const TENANT_KIND: &str = "tenant";

/// The point of connector (port) `n`: 1 while it is faulted, 0 otherwise; 0 is the charge point as a whole.
pub fn fault_point(connector: u32) -> String {
    format!("connector_{connector}_fault")
}

/// Whether `point` is a connector fault point.
pub fn is_fault_point(point: &str) -> bool {
    fault_connector(point).is_some()
}

/// The connector of a fault point (`connector_<n>_fault` → n).
pub fn fault_connector(point: &str) -> Option<u32> {
    let n = point.strip_prefix("connector_")?.strip_suffix("_fault")?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// The faulted ports (connectors 1 and up, ascending) among the fault points of `values`
/// (point, value); connector 0, the charge point as a whole, is not a port.
pub fn faulted_ports<'a>(values: impl IntoIterator<Item = (&'a str, f64)>) -> Vec<u32> {
    let mut ports: Vec<u32> = values
        .into_iter()
        .filter(|(_, v)| *v >= 1.0)
        .filter_map(|(p, _)| fault_connector(p))
        .filter(|n| *n >= 1)
        .collect();
    ports.sort_unstable();
    ports.dedup();
    ports
}

/// The `{detail}` of `ports_faulted`: which ports, e.g. `ports 1, 3 faulted`.
pub fn faulted_ports_detail(ports: &[u32]) -> String {
    match ports {
        [] => "no port faulted".to_owned(),
        [one] => format!("port {one} faulted"),
        many => format!("ports {} faulted", many.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")),
    }
}

/// The number of ended sessions an error-rate point counts (`None`: not an error-rate point).
pub fn error_rate_window(point: &str) -> Option<u32> {
    if point == SESSION_ERROR_RATE {
        return Some(DEFAULT_ERROR_WINDOW);
    }
    let n = point.strip_prefix(SESSION_ERROR_RATE_LAST)?.parse::<u32>().ok()?;
    (1..=MAX_ERROR_WINDOW).contains(&n).then_some(n)
}

/// Share of failures among `outcomes` (true = failed) in percent; none without outcomes.
pub fn error_rate_pct(outcomes: &[bool]) -> Option<f64> {
    if outcomes.is_empty() {
        return None;
    }
    let failed = outcomes.iter().filter(|f| **f).count() as f64;
    Some(failed * 100.0 / outcomes.len() as f64)
}

/// Whether a connector status (snake_case, as in `ConnectorStatusChanged`) is a fault.
pub fn is_fault(status: &str) -> bool {
    status == "faulted"
}

/// Whether a session end state is a failure (anything but `completed`).
pub fn is_failure(state: &str) -> bool {
    state != "completed"
}

/// The `{detail}` of a fault: the error code, with the vendor's code when it sent one.
pub fn fault_detail(error_code: &str, vendor_error_code: Option<&str>) -> String {
    match vendor_error_code.filter(|v| !v.is_empty()) {
        Some(v) => format!("{error_code} (vendor {v})"),
        None => error_code.to_owned(),
    }
}

/// The originator of tenant-wide alarms (the notification backlog): the nil device of no station,
/// seen only by readers of the whole tenant.
pub fn tenant_originator(tenant: &TenantId) -> Originator {
    Originator {
        device_id: DeviceId::from_uuid(mgc_kernel::uuid::Uuid::nil()),
        device_name: format!("tenant {tenant}"),
        kind: TENANT_KIND.to_owned(),
        station_id: StationId::from_uuid(mgc_kernel::uuid::Uuid::nil()),
        station_name: "all stations".to_owned(),
        time_zone: StationTz::UTC,
        created_at: DateTime::<Utc>::UNIX_EPOCH,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_point_names_then_windows_and_fault_points_are_recognised() {
        assert_eq!(error_rate_window("session_error_rate_pct"), Some(10));
        assert_eq!(error_rate_window("session_error_rate_pct_last_4"), Some(4));
        assert_eq!(error_rate_window("session_error_rate_pct_last_0"), None);
        assert_eq!(error_rate_window("session_error_rate_pct_last_501"), None);
        assert_eq!(error_rate_window("power"), None);
        assert_eq!(fault_point(2), "connector_2_fault");
        assert!(is_fault_point("connector_2_fault") && !is_fault_point("connector__fault"));
        assert_eq!(fault_connector("connector_12_fault"), Some(12));
        assert_eq!(fault_connector("connector_99999999999_fault"), None, "beyond u32 is no connector");
    }

    #[test]
    fn given_fault_points_then_faulted_ports_are_the_connectors_from_1_at_1() {
        let values = [
            ("connector_3_fault", 1.0),
            ("connector_0_fault", 1.0),
            ("connector_1_fault", 1.0),
            ("connector_2_fault", 0.0),
            ("online", 1.0),
        ];
        let ports = faulted_ports(values);
        assert_eq!(ports, [1, 3], "the charge point as a whole (0) is no port; port 2 recovered");
        assert_eq!(faulted_ports_detail(&ports), "ports 1, 3 faulted");
        assert_eq!(faulted_ports_detail(&[2]), "port 2 faulted");
        assert_eq!(faulted_ports_detail(&[]), "no port faulted");
    }

    #[test]
    fn given_outcomes_then_rate_is_the_share_of_failures() {
        assert_eq!(error_rate_pct(&[true, true, true, false]), Some(75.0));
        assert_eq!(error_rate_pct(&[]), None);
        assert!(is_failure("failed") && !is_failure("completed"));
        assert_eq!(fault_detail("ground_failure", Some("E17")), "ground_failure (vendor E17)");
        assert_eq!(fault_detail("other_error", None), "other_error");
    }
}
