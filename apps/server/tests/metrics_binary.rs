//! `/metrics` of the real binary as an operator's Prometheus sees it: `promtool check metrics`
//! finds nothing, every family has help text, process metrics and build info are there, counters
//! exist at zero before their first event, and distributions are histograms, not summaries.
//!
//! promtool comes from the Debian package `prometheus` (installed by `.ci/run`). Without it the
//! test is skipped, unless `MGC_REQUIRE_PROMTOOL=1` (set by `.ci/run`) turns that into a failure.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{mgc, stdout_line, Server};
use std::io::Write;
use std::process::{Command, Stdio};

fn promtool_required() -> bool {
    matches!(std::env::var("MGC_REQUIRE_PROMTOOL").as_deref(), Ok("1" | "true" | "yes"))
}

/// Runs `promtool check metrics` on `exposition`; `None` when promtool is not installed.
fn promtool_check(exposition: &str) -> Option<(bool, String)> {
    let mut child = match Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("cannot run promtool: {e}"),
    };
    child.stdin.take().unwrap().write_all(exposition.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let findings = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    Some((out.status.success(), findings))
}

#[test]
fn promtool_finds_nothing_in_the_metrics_of_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &[]);
    let token = stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], &data));
    // Some traffic: a served request, a refused credential.
    assert_eq!(server.get("/api/v1/stations", Some(("Authorization", &format!("Bearer {token}")))).0, 200);
    assert_eq!(server.get("/api/v1/stations", Some(("Authorization", "Bearer nope"))).0, 401);
    let (status, exposition) = server.get("/metrics", None);
    assert_eq!(status, 200);

    let families: Vec<&str> = exposition.lines().filter_map(|l| l.strip_prefix("# TYPE ")).collect();
    for family in &families {
        let name = family.split(' ').next().unwrap();
        assert!(exposition.contains(&format!("# HELP {name} ")), "no help for {name}");
    }
    for expected in [
        "process_cpu_seconds_total ",
        "process_resident_memory_bytes ",
        "process_open_fds ",
        "process_start_time_seconds ",
        "mgc_build_info{version=\"",
        "mgc_http_deadline_exceeded_total 0",
        "mgc_stats_cache_requests_total{result=\"hit\"} 0",
        "mgc_stats_cache_bytes 0",
        "mgc_ingest_points_total{outcome=\"quarantined\"} 0",
        "mgc_commands_total{state=\"succeeded\"} 0",
        "mgc_auth_refused_total{reason=\"",
        "mgc_http_request_duration_seconds_bucket{",
    ] {
        assert!(exposition.contains(expected), "missing {expected:?} in:\n{exposition}");
    }
    assert!(!exposition.contains("quantile="), "a summary is exported:\n{exposition}");
    assert!(!families.iter().any(|f| f.ends_with(" summary")), "{families:?}");

    match promtool_check(&exposition) {
        Some((ok, findings)) => {
            assert!(ok && findings.trim().is_empty(), "promtool check metrics found:\n{findings}\nin:\n{exposition}");
        }
        None if promtool_required() => {
            panic!("promtool is not installed (MGC_REQUIRE_PROMTOOL=1); apt-get install prometheus")
        }
        None => eprintln!("skipped: promtool is not installed (Debian package prometheus)"),
    }
}
