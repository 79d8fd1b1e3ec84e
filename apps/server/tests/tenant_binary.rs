//! `mgc tenant disable|enable` through the real binary: a disabled tenant's API key is refused
//! by a server, enabling it lets the key in again, and the CLI mutations (API key creation,
//! disable, enable) are in the tenant's audit log with the actor `cli`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{http, mgc, stdout_line, Server};
use mgc_tests::all_databases;
use serde_json::Value;
use std::path::Path;

fn cli(args: &[&str], dir: &Path, url: &str) -> std::process::Output {
    let mut all = args.to_vec();
    all.extend(["--database-url", url]);
    mgc(&all, dir)
}

#[tokio::test]
async fn given_disabled_tenant_then_its_key_is_refused_until_enabled_and_the_cli_is_audited() {
    for db in all_databases().await {
        let dir = tempfile::tempdir().unwrap();
        assert!(cli(&["tenant", "create", "--id", "acme"], dir.path(), &db.url).status.success());
        let key = stdout_line(&cli(
            &["api-key", "create", "--tenant", "acme", "--role", "admin", "--name", "bridge"],
            dir.path(),
            &db.url,
        ));
        let out = cli(&["tenant", "disable", "acme"], dir.path(), &db.url);
        assert!(String::from_utf8_lossy(&out.stderr).contains("disabled tenant acme"), "{}: {out:?}", db.backend);
        let listed = stdout_line(&cli(&["tenant", "list"], dir.path(), &db.url));
        assert!(listed.lines().any(|l| l.starts_with("acme\t") && l.contains("\tdisabled ")), "{listed}");
        let out = cli(&["tenant", "disable", "ghost"], dir.path(), &db.url);
        assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("does not exist"));

        let server = Server::start(dir.path(), &["--database-url", &db.url]);
        let (status, body) = http(&server.addr, "GET", "/api/v1/me", Some(("X-Api-Key", &key)), None);
        assert_eq!(status, 403, "{}: {body}", db.backend);
        assert!(body.contains("tenant_disabled"), "{body}");
        assert!(server.stop().success());

        assert!(cli(&["tenant", "enable", "acme"], dir.path(), &db.url).status.success());
        let server = Server::start(dir.path(), &["--database-url", &db.url]);
        let (status, body) = http(&server.addr, "GET", "/api/v1/me", Some(("X-Api-Key", &key)), None);
        assert_eq!(status, 200, "{}: {body}", db.backend);
        let (status, body) = http(&server.addr, "GET", "/api/v1/audit", Some(("X-Api-Key", &key)), None);
        assert_eq!(status, 200, "{body}");
        let log: Value = serde_json::from_str(&body).unwrap();
        let actions: Vec<&str> = log["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["actor"] == "cli")
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert_eq!(
            actions,
            ["CLI tenant enable", "CLI tenant disable", "CLI api-key create bridge (admin)"],
            "{}: {log}",
            db.backend
        );
        assert!(server.stop().success());
    }
}
