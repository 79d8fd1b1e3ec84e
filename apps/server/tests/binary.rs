//! End-to-end: the real `mgc` binary on a fresh data dir (SQLite) and on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

#[test]
fn fresh_data_dir_serves_health_metrics_and_authenticated_api() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &[]);

    // First start created the database and a private signing secret.
    assert!(data.join("mgc.db").is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.join("jwt-secret")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "jwt-secret must be private");
    }

    assert_eq!(server.get("/healthz", None).0, 200);
    let (status, body) = server.get("/readyz", None);
    assert_eq!(status, 200, "{body}");
    let (status, metrics) = server.get("/metrics", None);
    assert_eq!(status, 200);
    for m in ["mgc_outbox_lag_seconds", "mgc_outbox_pending", "mgc_outbox_dead_letters"] {
        assert!(metrics.contains(m), "/metrics lacks {m}");
    }

    let (status, body) = server.get("/api/v1/me", None);
    assert_eq!(status, 401);
    assert!(body.contains("\"missing_credentials\""), "{body}");

    // A minted token (same data dir → same secret) works; only the token is printed.
    let token = stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], &data));
    assert_eq!(token.split('.').count(), 3, "not a JWT: {token}");
    let bearer = format!("Bearer {token}");
    let (status, body) = server.get("/api/v1/me", Some(("Authorization", &bearer)));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"tenant_id\":\"default\""), "{body}");

    // An API key created through the API authenticates with X-Api-Key.
    let (status, created) = http(
        &server.addr,
        "POST",
        "/api/v1/api-keys",
        Some(("Authorization", &bearer)),
        Some(r#"{"name":"e2e","role":"viewer"}"#),
    );
    assert_eq!(status, 201, "{created}");
    let key = created.split("\"key\":\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let (status, body) = server.get("/api/v1/me", Some(("X-Api-Key", &key)));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"role\":\"viewer\""));

    // So does one created with the CLI against the same database.
    let cli_key =
        stdout_line(&mgc(&["api-key", "create", "--tenant", "default", "--role", "operator", "--name", "cli"], &data));
    let (status, body) = server.get("/api/v1/me", Some(("Authorization", &format!("ApiKey {cli_key}"))));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"role\":\"operator\""));

    // The API key creation was audited and its event delivered by the dispatcher.
    let (_, audit) = server.get("/api/v1/audit", Some(("Authorization", &bearer)));
    assert!(audit.contains("POST /api/v1/api-keys"), "{audit}");
    let (_, ready) = server.get("/readyz", None);
    assert!(ready.contains("\"status\":\"ready\""), "{ready}");
    let (_, docs) = server.get("/api/openapi.json", None);
    assert!(docs.contains("/api/v1/api-keys"));

    let status = server.stop();
    assert!(status.success(), "mgc did not exit cleanly on SIGTERM: {status}");
}

#[test]
fn bad_configuration_is_refused_with_a_message_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(MGC)
        .args(["check-config", "--data-dir"])
        .arg(dir.path())
        .env("MGC_LISTEN", "not-an-address")
        .env("MGC_OUTBOX__MAX_ATTEMPTS", "0")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("listen") && err.contains("not-an-address"), "{err}");
    assert!(err.contains("outbox.max_attempts"), "{err}");

    let out = Command::new(MGC).args(["check-config", "--data-dir"]).arg(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("listen = \"127.0.0.1:8080\""));

    let out = mgc(&["token", "--tenant", "default", "--role", "root"], dir.path());
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--role"));
}

#[test]
fn tenants_are_created_by_the_cli_and_tokens_need_an_existing_tenant() {
    let dir = tempfile::tempdir().unwrap();
    let out = mgc(&["token", "--tenant", "acme", "--role", "admin"], dir.path());
    assert!(!out.status.success(), "a token for an unknown tenant was minted");
    assert!(String::from_utf8_lossy(&out.stderr).contains("mgc tenant create --id acme"));

    let out = mgc(&["tenant", "create", "--id", "acme", "--name", "Acme Grid"], dir.path());
    assert!(out.status.success() && String::from_utf8_lossy(&out.stderr).contains("created tenant acme"));
    let out = mgc(&["tenant", "create", "--id", "acme"], dir.path());
    assert!(out.status.success() && String::from_utf8_lossy(&out.stderr).contains("exists already"));
    let out = mgc(&["tenant", "create", "--id", "-bad"], dir.path());
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("--id"));
    let listed = stdout_line(&mgc(&["tenant", "list"], dir.path()));
    assert!(listed.lines().any(|l| l.starts_with("acme\tAcme Grid\t")), "{listed}");

    let token = stdout_line(&mgc(&["token", "--tenant", "acme", "--role", "admin"], dir.path()));
    assert_eq!(token.split('.').count(), 3, "not a JWT: {token}");
}

#[tokio::test]
async fn postgres_database_migrates_and_serves() {
    let Some(db) = mgc_tests::postgres_database().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = mgc(&["migrate", "--database-url", &db.url], dir.path());
    assert!(stdout_line(&out).contains("postgres"));
    let server = Server::start(dir.path(), &["--database-url", &db.url]);
    let (status, body) = server.get("/readyz", None);
    assert_eq!(status, 200, "{body}");
    let token = stdout_line(&mgc(&["token", "--tenant", "default", "--role", "viewer"], dir.path()));
    let (status, body) = server.get("/api/v1/me", Some(("Authorization", &format!("Bearer {token}"))));
    assert_eq!(status, 200, "{body}");
    assert!(server.stop().success());
}

/// Provisions `sim-1..3`, runs `mgc simulate thingsboard` against `server` and checks every
/// simulated point was stored as new under the provisioned devices.
fn simulator_round_trip(server: &Server, data: &Path, shape: &str) {
    let token = stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], data));
    let bearer = format!("Bearer {token}");
    let auth = Some(("Authorization", bearer.as_str()));
    let devices: Vec<String> = (1..=3).map(|n| format!(r#"{{"name":"sim-{n}","kind":"meter"}}"#)).collect();
    let body =
        format!(r#"{{"code":"sim","name":"Simulated","time_zone":"Europe/Berlin","devices":[{}]}}"#, devices.join(","));
    let (status, provisioned) = http(&server.addr, "POST", "/api/v1/provisioning/stations", auth, Some(&body));
    assert_eq!(status, 200, "{provisioned}");
    let provisioned: serde_json::Value = serde_json::from_str(&provisioned).unwrap();
    let station = provisioned["station"]["id"].as_str().unwrap().to_owned();
    let (status, created) = http(&server.addr, "POST", "/api/v1/integrations", auth, Some(r#"{"name":"sim"}"#));
    assert_eq!(status, 201, "{created}");
    let created: serde_json::Value = serde_json::from_str(&created).unwrap();

    let out = Command::new(MGC)
        .args(["simulate", "thingsboard", "--url", &format!("http://{}", server.addr)])
        .args(["--integration", created["id"].as_str().unwrap(), "--devices", "3", "--rate", "0", "--json"])
        .args(["--shape", shape, "--requests", "12", "--points-per-request", "5", "--concurrency", "4"])
        .env("MGC_SIM_SECRET", created["secret"].as_str().unwrap())
        .output()
        .unwrap();
    let summary: serde_json::Value = serde_json::from_str(stdout_line(&out).lines().last().unwrap()).unwrap();
    assert_eq!(summary["ok"], 12, "{summary}");
    assert_eq!(summary["new"], 60, "{summary}");
    assert_eq!(summary["quarantined"], 0, "{summary}");

    let (status, latest) = server.get(&format!("/api/v1/telemetry/latest?station_id={station}"), auth);
    assert_eq!(status, 200, "{latest}");
    let latest: serde_json::Value = serde_json::from_str(&latest).unwrap();
    let items = latest.as_array().or_else(|| latest["items"].as_array()).expect("a list of latest values");
    let ids: std::collections::HashSet<&str> = items.iter().filter_map(|v| v["device_id"].as_str()).collect();
    assert_eq!(ids.len(), 3, "every simulated device has values: {latest}");
    assert!(items.iter().any(|v| v["point"] == "energy_import_wh"), "{latest}");

    // A wrong secret is refused, and the simulator says so with a failing exit status.
    let out = Command::new(MGC)
        .args(["simulate", "thingsboard", "--url", &format!("http://{}", server.addr)])
        .args(["--integration", created["id"].as_str().unwrap(), "--requests", "1", "--json"])
        .env("MGC_SIM_SECRET", "not-the-secret")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"401\""), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn simulator_traffic_lands_under_provisioned_devices_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    simulator_round_trip(&server, dir.path(), "flat");
}

#[tokio::test]
async fn simulator_traffic_lands_under_provisioned_devices_on_postgres() {
    let Some(db) = mgc_tests::postgres_database().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--database-url", &db.url]);
    simulator_round_trip(&server, dir.path(), "dedup");
}
