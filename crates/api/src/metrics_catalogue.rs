//! Every metric `mgc` exports, described once: help text with its unit, histogram buckets, and
//! the series registered at zero at start so that rates and alerts work before the first event.

use metrics::Unit;

/// How a metric is exported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MetricKind {
    /// Monotonic count (`_total`).
    Counter,
    /// Current value.
    Gauge,
    /// Distribution with these bucket bounds.
    Histogram(&'static [f64]),
}

/// One exported metric: name, kind, unit and help text.
#[derive(Debug, Clone, Copy)]
pub struct MetricSpec {
    /// Prometheus name.
    pub name: &'static str,
    /// Counter, gauge or histogram (with buckets).
    pub kind: MetricKind,
    /// Unit, also stated in the help text.
    pub unit: Option<Unit>,
    /// `# HELP` text.
    pub help: &'static str,
    /// Label name and the values registered at zero (empty label name: one unlabelled series;
    /// `None`: series appear with their first event, because the label values are open).
    pub zero: Option<(&'static str, &'static [&'static str])>,
}

/// Buckets (seconds) of a histogram that the catalogue does not list.
pub const DEFAULT_BUCKETS: &[f64] = HTTP_SECONDS;
const HTTP_SECONDS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
const RPC_SECONDS: &[f64] = &[0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];
const DELIVERY_SECONDS: &[f64] = &[0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0];
const GROUP_POINTS: &[f64] = &[1.0, 10.0, 100.0, 500.0, 1000.0, 2000.0, 5000.0, 10_000.0, 20_000.0];
const ONE: Option<(&str, &[&str])> = Some(("", &[]));

use MetricKind::{Counter, Gauge, Histogram};

/// The catalogue (process metrics come from `metrics-process`, described by it).
pub const METRICS: &[MetricSpec] = &[
    spec(
        "mgc_build_info",
        Gauge,
        None,
        "Always 1; labels name the version and the source revision of the running binary.",
        None,
    ),
    spec(
        "mgc_http_request_duration_seconds",
        Histogram(HTTP_SECONDS),
        Some(Unit::Seconds),
        "Time from request to answer head, in seconds, by method, route and status.",
        None,
    ),
    spec(
        "mgc_http_deadline_exceeded_total",
        Counter,
        Some(Unit::Count),
        "Requests answered 503 request_timeout because they passed database.request_timeout_ms.",
        ONE,
    ),
    spec(
        "mgc_stats_cache_requests_total",
        Counter,
        Some(Unit::Count),
        "GET /api/v1/stats lookups in the answer cache, by result (hit: served from memory at the station's current statistics revision).",
        Some(("result", &["hit", "miss"])),
    ),
    spec(
        "mgc_stats_cache_bytes",
        Gauge,
        Some(Unit::Bytes),
        "Bytes of GET /api/v1/stats answers held in memory (bounded by analytics.stats_cache_mib).",
        None,
    ),
    spec(
        "mgc_http_connections_refused_total",
        Counter,
        Some(Unit::Count),
        "TCP connections refused before HTTP, by reason.",
        Some(("reason", &["per_address_cap"])),
    ),
    spec(
        "mgc_http_connections_closed_total",
        Counter,
        Some(Unit::Count),
        "HTTP connections closed by the server, by reason.",
        Some(("reason", &["idle"])),
    ),
    spec(
        "mgc_auth_refused_total",
        Counter,
        Some(Unit::Count),
        "Refused credentials (JWT, API key, ingest signature, disabled tenant), by error code.",
        None,
    ),
    spec(
        "mgc_unauthenticated_mutating_requests_total",
        Counter,
        Some(Unit::Count),
        "Mutating requests without a valid credential (nobody to audit), by HTTP status.",
        None,
    ),
    spec(
        "mgc_db_pool_connections",
        Gauge,
        Some(Unit::Count),
        "Database pool connections, by state (idle, active).",
        None,
    ),
    spec(
        "mgc_db_write_failures_total",
        Counter,
        Some(Unit::Count),
        "Units of work that failed to begin or commit.",
        ONE,
    ),
    spec(
        "mgc_db_writer_discarded_total",
        Counter,
        Some(Unit::Count),
        "Pooled connections discarded because they were no longer on the writable primary.",
        ONE,
    ),
    spec(
        "mgc_outbox_delivered_total",
        Counter,
        Some(Unit::Count),
        "Outbox events delivered to every consumer, by event type.",
        None,
    ),
    spec(
        "mgc_outbox_failed_total",
        Counter,
        Some(Unit::Count),
        "Outbox delivery attempts that failed (to be retried), by event type.",
        None,
    ),
    spec(
        "mgc_outbox_dead_lettered_total",
        Counter,
        Some(Unit::Count),
        "Outbox events moved to the dead-letter table, by event type.",
        None,
    ),
    spec(
        "mgc_outbox_pending",
        Gauge,
        Some(Unit::Count),
        "Outbox events not yet delivered (refreshed on each scrape).",
        None,
    ),
    spec(
        "mgc_outbox_lag_seconds",
        Gauge,
        Some(Unit::Seconds),
        "Age of the oldest undelivered outbox event, in seconds (refreshed on each scrape).",
        None,
    ),
    spec(
        "mgc_outbox_dead_letters",
        Gauge,
        Some(Unit::Count),
        "Events in the dead-letter table (refreshed on each scrape).",
        None,
    ),
    spec(
        "mgc_ingest_points_total",
        Counter,
        Some(Unit::Count),
        "Telemetry points received, by outcome (new, changed, duplicate, quarantined).",
        Some(("outcome", &["new", "changed", "duplicate", "quarantined"])),
    ),
    spec(
        "mgc_ingest_group_size",
        Histogram(GROUP_POINTS),
        Some(Unit::Count),
        "Points per group commit of the ingest pipeline, in points.",
        None,
    ),
    spec(
        "mgc_commands_total",
        Counter,
        Some(Unit::Count),
        "Command state transitions, by the state reached.",
        Some(("state", &["pending", "sent", "delivered", "succeeded", "failed", "timed_out", "expired", "cancelled"])),
    ),
    spec(
        "mgc_command_rpc_seconds",
        Histogram(RPC_SECONDS),
        Some(Unit::Seconds),
        "Duration of ThingsBoard RPC calls, in seconds, by outcome.",
        None,
    ),
    spec("mgc_strategy_executions_total", Counter, Some(Unit::Count), "Strategy executions, by outcome.", None),
    spec("mgc_notify_sent_total", Counter, Some(Unit::Count), "Notifications delivered, by channel kind.", None),
    spec(
        "mgc_notify_failed_total",
        Counter,
        Some(Unit::Count),
        "Notification attempts that failed, by channel kind.",
        None,
    ),
    spec("mgc_notify_dead_total", Counter, Some(Unit::Count), "Notifications given up, by channel kind.", None),
    spec(
        "mgc_notify_delivery_latency_seconds",
        Histogram(DELIVERY_SECONDS),
        Some(Unit::Seconds),
        "Time from alarm to delivered notification, in seconds, by channel kind.",
        None,
    ),
    spec(
        "mgc_subscription_deliveries_total",
        Counter,
        Some(Unit::Count),
        "Platform subscription delivery attempts, by subscription id and outcome (delivered, failed, dead).",
        None,
    ),
    spec(
        "mgc_subscription_delivery_latency_seconds",
        Histogram(DELIVERY_SECONDS),
        Some(Unit::Seconds),
        "Time from queueing to acceptance of platform subscription deliveries, in seconds, by subscription id.",
        None,
    ),
    spec(
        "mgc_notify_breaker_open",
        Gauge,
        Some(Unit::Count),
        "Notification channels whose circuit breaker is open, by channel kind.",
        None,
    ),
    spec(
        "mgc_ocpp_connected_charge_points",
        Gauge,
        Some(Unit::Count),
        "OCPP charge points connected to this instance.",
        None,
    ),
    spec(
        "mgc_ocpp_meter_points_unlinked_total",
        Counter,
        Some(Unit::Count),
        "OCPP meter values not stored as telemetry because the charge point has no device.",
        ONE,
    ),
    spec("mgc_ap3000_connections", Gauge, Some(Unit::Count), "Open AP3000 TCP connections on this instance.", None),
    spec(
        "mgc_ap3000_connected_piles",
        Gauge,
        Some(Unit::Count),
        "AP3000 piles that identified themselves on an open connection.",
        None,
    ),
    spec("mgc_ap3000_frames_total", Counter, Some(Unit::Count), "AP3000 frames received.", ONE),
    spec(
        "mgc_ap3000_malformed_total",
        Counter,
        Some(Unit::Count),
        "AP3000 bytes or frames skipped as malformed, by reason.",
        None,
    ),
    spec(
        "mgc_ap3000_refused_connections_total",
        Counter,
        Some(Unit::Count),
        "AP3000 connections refused, by reason.",
        None,
    ),
    spec(
        "mgc_ap3000_settlement_mismatches_total",
        Counter,
        Some(Unit::Count),
        "AP3000 settlements whose energy disagrees with the metered energy.",
        ONE,
    ),
    spec(
        "mgc_ap3000_report_failures_total",
        Counter,
        Some(Unit::Count),
        "AP3000 reports that could not be applied, by report.",
        None,
    ),
    spec(
        "mgc_ap3000_power_points_unlinked_total",
        Counter,
        Some(Unit::Count),
        "AP3000 power points not stored as telemetry because the pile has no device.",
        ONE,
    ),
    spec(
        "mgc_cluster_instances",
        Gauge,
        Some(Unit::Count),
        "Live instances sharing this database (leases not expired).",
        None,
    ),
    spec(
        "mgc_device_energy_wh_total",
        Counter,
        None,
        "Energy of a collector device in whole Wh since it was first polled, by direction (import: active power > 0, export: < 0); restored from the database at start.",
        None,
    ),
    spec("mgc_device_power_w", Gauge, None, "Last active power of a collector device, in W.", None),
    spec("mgc_collector_polls_total", Counter, Some(Unit::Count), "Successful polls of a collector source.", None),
    spec("mgc_collector_poll_errors_total", Counter, Some(Unit::Count), "Failed polls of a collector source.", None),
    spec(
        "mgc_collector_poll_duration_seconds",
        Histogram(RPC_SECONDS),
        Some(Unit::Seconds),
        "Time one poll of a collector source took (login, list, read, record), in seconds.",
        None,
    ),
    spec(
        "mgc_collector_last_success_timestamp_seconds",
        Gauge,
        Some(Unit::Seconds),
        "Unix time of the last successful poll of a collector source, in seconds.",
        None,
    ),
    spec("mgc_collector_source_up", Gauge, None, "1 when the last poll of a collector source succeeded, else 0.", None),
    spec("mgc_collector_devices", Gauge, Some(Unit::Count), "Devices the last poll of a collector source listed.", None),
];

const fn spec(
    name: &'static str,
    kind: MetricKind,
    unit: Option<Unit>,
    help: &'static str,
    zero: Option<(&'static str, &'static [&'static str])>,
) -> MetricSpec {
    MetricSpec { name, kind, unit, help, zero }
}

/// Describes every metric to the installed recorder and registers the zero series.
pub fn describe_and_register() {
    for m in METRICS {
        let unit = m.unit.unwrap_or(Unit::Count);
        match m.kind {
            Counter => metrics::describe_counter!(m.name, unit, m.help),
            Gauge => metrics::describe_gauge!(m.name, unit, m.help),
            Histogram(_) => metrics::describe_histogram!(m.name, unit, m.help),
        }
        match m.zero {
            Some(("", _)) => metrics::counter!(m.name).increment(0),
            Some((label, values)) => {
                for value in values {
                    metrics::counter!(m.name, label => *value).increment(0);
                }
            }
            None => {}
        }
    }
}

/// Publishes `mgc_build_info{version, revision} 1`.
pub fn build_info(version: &'static str, revision: &'static str) {
    metrics::gauge!("mgc_build_info", "version" => version, "revision" => revision).set(1.0);
}

#[cfg(test)]
mod tests {
    use super::{MetricKind, METRICS};
    use std::path::Path;

    #[test]
    fn given_the_catalogue_then_names_are_unique_and_follow_prometheus_conventions() {
        let mut seen = std::collections::HashSet::new();
        for m in METRICS {
            assert!(seen.insert(m.name), "{} listed twice", m.name);
            assert_eq!(m.kind == MetricKind::Counter, m.name.ends_with("_total"), "{}", m.name);
            assert!(m.help.ends_with('.') && !m.help.is_empty(), "{}", m.name);
            assert!(m.zero.is_none() || m.kind == MetricKind::Counter, "only counters start at zero: {}", m.name);
        }
    }

    /// Every `mgc_*` name recorded anywhere in the workspace's sources.
    fn recorded_names(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
            let path = entry.path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() && !matches!(name.as_str(), "target" | "tests" | ".git") {
                recorded_names(&path, found);
            } else if name.ends_with(".rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for line in text.lines().filter(|l| {
                    ["counter!(", "gauge!(", "histogram!(", "_GAUGE: &str", "_COUNTER: &str"]
                        .iter()
                        .any(|m| l.contains(m))
                }) {
                    if let Some(start) = line.find("\"mgc_") {
                        let rest = &line[start + 1..];
                        found.push(rest[..rest.find('"').unwrap()].to_owned());
                    }
                }
            }
        }
    }

    #[test]
    fn given_the_sources_then_every_recorded_metric_is_in_the_catalogue() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut found = Vec::new();
        recorded_names(&root.join("crates"), &mut found);
        recorded_names(&root.join("apps"), &mut found);
        assert!(found.len() > 20, "the scan found too little: {found:?}");
        for name in found {
            assert!(METRICS.iter().any(|m| m.name == name), "{name} is recorded but not described in METRICS");
        }
    }
}
