//! The OpenAPI document is the contract, checked by outside tools against the real `mgc serve` on
//! SQLite: `openapi-spec-validator` accepts the document, and schemathesis (a property-based API
//! tester) runs every operation with every check and the stateful phase on, with 0 failures.
//!
//! Every operation runs except the endless alarm stream (its own test: alarms_binary.rs). Operations
//! in [`CROSS_FIELD_RULES`] have a rule JSON Schema cannot state (each says which); for them alone
//! a schema-valid request may get the documented 400/422.
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

/// Operations with a rule JSON Schema cannot state (it relates two values, or a value and the
/// clock): they run with every check, and a schema-valid request that breaks the rule may get the
/// documented 400/422 with its machine-readable code (schemathesis' positive-data check is told so
/// for these operations only, through the generated `schemathesis.toml`).
const CROSS_FIELD_RULES: &[(&str, &str)] = &[
    ("settlements_list", "from <= to, at most 366 days"),
    ("settlements_export_csv", "from <= to, at most 366 days"),
    ("stats_get", "from before to"),
    ("charging_stats_commands", "from before to, at most 366 days"),
    ("third_stats_commands", "from before to, at most 366 days"),
    ("charging_stats_commands_export", "from before to, at most 366 days"),
    ("charging_stats_sessions_export", "from before to, at most 366 days (31 for hours)"),
    ("charging_stats_utilisation_export", "from before to, at most 366 days (31 for hours)"),
    ("third_stats_commands_export", "from before to, at most 366 days"),
    ("third_stats_sessions_export", "from before to, at most 366 days (31 for hours)"),
    ("third_stats_utilisation_export", "from before to, at most 366 days (31 for hours)"),
    ("charging_stats_sessions", "from before to, at most 366 days (31 for hours)"),
    ("third_stats_sessions", "from before to, at most 366 days (31 for hours)"),
    ("charging_stats_utilisation", "from before to, at most 366 days (31 for hours)"),
    ("third_stats_utilisation", "from before to, at most 366 days (31 for hours)"),
    ("telemetry_raw", "from before to; cursor is <ts>|<point>"),
    ("charge_points_reserve", "expires_at after the service's clock"),
    ("commands_issue", "the Idempotency-Key header and the body's idempotency_key agree when both are given"),
    (
        "strategies_create",
        "min below max state of charge, recharge level under the import limit, margin within the rated \
         power, a schedule entry sets something, a band not both charge and discharge, powers within the battery's",
    ),
    ("strategies_replace", "as strategies_create"),
    (
        "charge_points_set_profile",
        "decimals are multiples of 0.1 (JSON Schema's multipleOf on binary floats refuses 0.3)",
    ),
    (
        "alarm_rules_create",
        "fields by type (threshold, no_data); each severity once; low <= high; scope's station and device exist",
    ),
    (
        "alarm_rules_replace",
        "fields by type (threshold, no_data); each severity once; low <= high; scope's station and device exist",
    ),
    ("stations_provision", "device names and each device's mapping raw keys unique within the request"),
    (
        "tariffs_create",
        "periods cover each day once; bands priced; seasons cover each month once; valid_to >= valid_from",
    ),
    (
        "tariffs_update",
        "periods cover each day once; bands priced; seasons cover each month once; valid_to >= valid_from",
    ),
    ("point_mappings_set_scope", "raw keys unique within the rule set"),
    ("shadow_runs_create", "from <= to, ended in the station's time zone; the strategy type's own parameter rules"),
];

/// The schemathesis configuration that states [`CROSS_FIELD_RULES`].
fn cross_field_config() -> String {
    let ids: Vec<String> = CROSS_FIELD_RULES.iter().map(|(id, _)| format!("{id:?}")).collect();
    format!(
        "[[operations]]\ninclude-operation-id = [{}]\n\
         checks.positive_data_acceptance.expected-statuses = [\"2xx\", \"400\", \"401\", \"403\", \"404\", \"409\", \"422\", \"429\"]\n",
        ids.join(", ")
    )
}

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
    std::fs::write(dir.path().join("schemathesis.toml"), cross_field_config()).unwrap();
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
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "schemathesis found failures:\n{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("passed"), "schemathesis ran nothing:\n{stdout}");
    assert_eq!(server.get("/healthz", None).0, 200, "the service survived the run");
}
