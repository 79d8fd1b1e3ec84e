//! The OpenAPI document is the contract, checked by outside tools against the real `mgc serve` on
//! SQLite: `openapi-spec-validator` accepts the document, and schemathesis (a property-based API
//! tester) runs every operation with every check and the stateful phase on, with 0 failures.
//!
//! Operations in [`KNOWN_GAPS`] are left out of the schemathesis run (each says why); the list only
//! shrinks: every other operation, including any new one, must conform with 0 failures.
//!
//! The tools come from a virtualenv made on first use under `target/contract-venv` from
//! `tests/python/requirements-contract.txt` (network needed once); `MGC_CONTRACT_VENV` points at
//! another one. `.ci/run` makes it before the tests. `MGC_SCHEMATHESIS_EXAMPLES` and
//! `MGC_SCHEMATHESIS_SEED` change the bounded number of examples per operation and the seed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::process::Command;

/// Examples per operation and phase when `MGC_SCHEMATHESIS_EXAMPLES` does not say.
const EXAMPLES: &str = "10";
/// Seed of the generation when `MGC_SCHEMATHESIS_SEED` does not say (a fixed seed: a failure
/// reproduces; set another to explore).
const SEED: &str = "23";

/// Operations whose documented request is still wider than what the handler accepts, so that
/// schemathesis' "schema-valid request rejected" check fails on them (issue 23 point 1, open).
const KNOWN_GAPS: &[(&str, &str)] = &[
    // Request bodies still documented as a free object, whose rules are largely cross-field:
    // each needs a schema type for the structural part, and keeps its cross-field rule.
    (
        "alarm_rules_create",
        "free object; fields by type (threshold: severity+condition or levels, no_data: no_data_secs)",
    ),
    (
        "alarm_rules_replace",
        "free object; fields by type (threshold: severity+condition or levels, no_data: no_data_secs)",
    ),
    ("notification_channels_create", "free object; extra fields are ignored but a NUL in them is refused"),
    ("notification_channels_replace", "free object; extra fields are ignored but a NUL in them is refused"),
    ("stations_provision", "free object; device names and mapping raw keys unique within the request"),
    ("tariffs_create", "free object; periods on the 15-minute grid covering each day once"),
    ("tariffs_update", "free object; periods on the 15-minute grid covering each day once"),
    ("shadow_runs_create", "battery and strategy params not in the schema; from <= to, ended"),
    ("charge_points_set_profile", "OCPP charging profile not in the schema"),
    ("charge_points_reserve", "expires_at must be in the future (depends on the clock)"),
    // A cross-field rule: the `Idempotency-Key` header and the body's `idempotency_key` must
    // agree when both are given (422 otherwise).
    ("commands_issue", "Idempotency-Key header and body key differ"),
    ("strategies_create", "params depend on the strategy type"),
    // Text with a NUL character is refused with 422 invalid_value (no backend stores it); the
    // component schemas say so, these free-object bodies (strategy params, mapping rules) do not yet.
    ("point_mappings_set_scope", "NUL in text; raw keys unique within the rule set"),
    ("strategies_replace", "NUL in text inside the free-object params"),
    // Cross-field rules JSON Schema cannot state: from before to, a range of at most 366 days.
    ("settlements_list", "from <= to, at most 366 days"),
    ("settlements_export_csv", "from <= to, at most 366 days"),
    ("stats_get", "from before to"),
    ("charging_stats_sessions", "from before to, at most 366 days (31 for hours)"),
    ("third_stats_sessions", "from before to, at most 366 days (31 for hours)"),
    ("telemetry_raw", "from before to; cursor is <ts>|<point>"),
];

#[test]
fn the_served_document_is_valid_openapi_and_the_running_service_conforms_to_it() {
    let bin = common::python::venv_bin("contract-venv", "requirements-contract.txt", "MGC_CONTRACT_VENV");
    let run = common::python::run;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &[]);
    let token = stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], &data));

    let (status, document) = server.get("/api/openapi.json", None);
    assert_eq!(status, 200);
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, &document).unwrap();
    run(Command::new(bin.join("openapi-spec-validator")).arg(&file), "openapi-spec-validator");

    let examples = std::env::var("MGC_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| EXAMPLES.to_owned());
    let seed = std::env::var("MGC_SCHEMATHESIS_SEED").unwrap_or_else(|_| SEED.to_owned());
    let out = Command::new(bin.join("schemathesis"))
        .current_dir(dir.path())
        .args(["run", file.to_str().unwrap(), "--url", &format!("http://{}", server.addr)])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--checks", "all", "--phases", "examples,coverage,fuzzing,stateful"])
        .args(["--max-examples", &examples, "--seed", &seed, "--workers", "1"])
        .args(["--request-timeout", "20", "--no-color", "--output-truncate", "false"])
        .args(["--generation-database", "none"])
        // The alarm stream is an endless text/event-stream: a request to it never completes, which a
        // request/response tester can only report as a timeout (its own test: alarms_binary.rs).
        .args(["--exclude-operation-id", "alarms_stream"])
        .args(KNOWN_GAPS.iter().flat_map(|(id, _)| ["--exclude-operation-id", id]))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "schemathesis found failures:\n{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("passed"), "schemathesis ran nothing:\n{stdout}");
    assert_eq!(server.get("/healthz", None).0, 200, "the service survived the run");
}
