//! The README cannot drift: its tour's shell blocks are run as written (only the address is the
//! test server's) against the real binary on SQLite, with `mgc` on PATH as `cargo install` puts
//! it; and `deploy/mgc.example.toml` is a valid configuration holding every key at its default.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Server, MGC};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The ```sh blocks from the tour heading up to "## What is here".
fn tour_blocks(readme: &str) -> Vec<String> {
    let start = readme.find("## A five-minute tour").expect("the README has a tour");
    let end = readme[start..].find("## What is here").map_or(readme.len(), |e| start + e);
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme[start..end].lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), l) => {
                block.push_str(l);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn the_readme_tour_runs_as_written_against_the_binary() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let blocks = tour_blocks(&readme);
    assert!(blocks.len() >= 5, "tour blocks not found: {blocks:?}");
    let dir = tempfile::tempdir().unwrap();
    // `mgc` commands of the tour use the default data dir, ./data, as the server does.
    let server = Server::start(&dir.path().join("data"), &[]);
    let script = format!(
        "set -euo pipefail\n{}",
        blocks.join("\n").replace("localhost:8080", &server.addr).replace("127.0.0.1:8080", &server.addr)
    );
    let bin_dir = Path::new(MGC).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .env("PATH", path)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() >= deadline {
            let _ = child.kill();
            panic!("the tour did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let shown = format!("script:\n{script}\nstdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(out.status.success(), "the tour failed: {shown}");
    // The one refusal the tour shows on purpose; any other error answer is a broken step.
    assert_eq!(stdout.matches("\"error\":{").count(), 1, "unexpected error answers: {shown}");
    assert!(stdout.contains("missing_credentials"), "{shown}");
    for expected in ["{\"status\":\"ok\"}", "\"accepted\":2", "\"role\":\"operator\"", "mgc_outbox"] {
        assert!(stdout.contains(expected), "missing {expected:?}: {shown}");
    }
}

/// `a.b = value` for every key of a TOML table.
fn flatten(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, toml::Value>) {
    for (k, v) in table {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            v => {
                out.insert(key, v.clone());
            }
        }
    }
}

fn check_config(args: &[&str], cwd: &Path) -> String {
    let out =
        Command::new(MGC).args(args).arg("check-config").current_dir(cwd).env_remove("MGC_CONFIG").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "check-config {args:?} failed: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_example_config_is_valid_and_holds_every_key_at_its_default() {
    let dir = tempfile::tempdir().unwrap();
    let example = repo_root().join("deploy/mgc.example.toml");
    // Every key of the configuration struct, at its default, as the binary prints it.
    let defaults: toml::Table = check_config(&[], dir.path()).parse().unwrap();
    let from_example: toml::Table = check_config(&["--config", example.to_str().unwrap()], dir.path()).parse().unwrap();
    let written: toml::Table = std::fs::read_to_string(&example).unwrap().parse().unwrap();
    let (mut all, mut example_keys, mut loaded) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    flatten("", &defaults, &mut all);
    flatten("", &written, &mut example_keys);
    flatten("", &from_example, &mut loaded);
    assert!(all.len() > 50, "too few keys: {all:?}");
    let missing: Vec<&String> = all.keys().filter(|k| !example_keys.contains_key(*k)).collect();
    assert!(missing.is_empty(), "deploy/mgc.example.toml lacks {missing:?}");
    // "set to its built-in default": loading the example changes nothing.
    assert_eq!(loaded, all, "the example sets values other than the defaults");
}
