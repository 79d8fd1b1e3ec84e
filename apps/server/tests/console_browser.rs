//! The operator console against the real `mgc serve` on SQLite.
//!
//! Without a browser: `/` and `/docs` and every file they load name no other origin (the pages
//! work on a network with no way out). In a real headless Chromium (Debian `chromium` and
//! `chromium-driver`, driven by tests/python/console_browser.py through Selenium from the venv
//! `target/console-venv`, `MGC_CONSOLE_VENV` points at another): log in with a token, see a live
//! value change after an ingest, acknowledge an alarm that arrived over SSE, issue and void a
//! statement and download its PDF, run a shadow run to the end, issue a command and watch it end,
//! see a tariff's validation message, open every page (each control has an accessible name; a
//! tablet-wide window folds the navigation), read the API reference.
//! Screenshots of the pages land in `target/console-screenshots/`. Without Chromium the browser
//! test says so loudly and passes, unless `MGC_REQUIRE_CHROMIUM=1` (as in CI).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::python::{repo_root, venv_bin};
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The one absolute URL the files may hold: the SVG namespace, an identifier never fetched.
const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";

/// Local paths (`/console/...`) named by `src="..."`, `href="..."` or module imports in `text`.
fn local_refs(base: &str, text: &str) -> Vec<String> {
    let mut refs = Vec::new();
    for opener in ["src=\"", "href=\"", "from '", "import('"] {
        for (i, _) in text.match_indices(opener) {
            let rest = &text[i + opener.len()..];
            let end = rest.find(['"', '\'']).unwrap_or(rest.len());
            let r = &rest[..end];
            if r.starts_with("/console/") {
                refs.push(r.to_owned());
            } else if r.starts_with("./") || r.starts_with("../") {
                let mut parts: Vec<&str> = base.split('/').collect();
                parts.pop();
                for seg in r.split('/') {
                    match seg {
                        "." => {}
                        ".." => {
                            parts.pop();
                        }
                        s => parts.push(s),
                    }
                }
                refs.push(parts.join("/"));
            }
        }
    }
    refs
}

#[test]
fn the_served_pages_and_everything_they_load_name_no_other_origin() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let mut todo = vec!["/".to_owned(), "/docs".to_owned()];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(path) = todo.pop() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let (status, body) = server.get(&path, None);
        assert_eq!(status, 200, "{path}");
        let text = body.replace(SVG_NAMESPACE, "");
        assert!(!text.contains("http://") && !text.contains("https://"), "{path} names another origin");
        assert!(!text.contains("\"//") && !text.contains("'//"), "{path} has a scheme-relative URL");
        todo.extend(local_refs(&path, &body));
    }
    assert!(seen.len() >= 15, "the pages load their scripts: {seen:?}");
    assert!(server.stop().success());
}

/// The Chromium and chromedriver to use, or None (after a loud message) when they are missing
/// and not required.
fn chromium() -> Option<(PathBuf, PathBuf)> {
    let browser = std::env::var_os("MGC_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let driver =
        std::env::var_os("MGC_CHROMEDRIVER").map_or_else(|| PathBuf::from("/usr/bin/chromedriver"), PathBuf::from);
    if browser.exists() && driver.exists() {
        return Some((browser, driver));
    }
    let what = format!("{} and {}", browser.display(), driver.display());
    assert!(
        std::env::var("MGC_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
        "MGC_REQUIRE_CHROMIUM=1 but {what} are missing (apt-get install chromium chromium-driver)"
    );
    eprintln!("\n*** SKIPPED: the console browser test needs {what} (apt-get install chromium chromium-driver) ***\n");
    None
}

fn screenshots_dir() -> PathBuf {
    let target =
        Path::new(env!("CARGO_TARGET_TMPDIR")).parent().map_or_else(|| repo_root().join("target"), Path::to_path_buf);
    let dir = target.join("console-screenshots");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn an_operator_runs_a_station_from_the_console_in_chromium_on_sqlite() {
    let Some((browser, driver)) = chromium() else { return };
    let bin = venv_bin("console-venv", "requirements-console.txt", "MGC_CONSOLE_VENV");
    let dir = tempfile::tempdir().unwrap();
    // Hours and days close at once so that the past day of the statement is settled quickly.
    let env = [("MGC_ANALYTICS__TICK_SECS", "1"), ("MGC_ANALYTICS__GRACE_SECS", "0")];
    let server = Server::start_with_env(dir.path(), &[], &env);
    let token = stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], dir.path()));
    let shots = screenshots_dir();
    let downloads = dir.path().join("downloads");
    let out = Command::new(bin.join("python"))
        .arg(repo_root().join("tests/python/console_browser.py"))
        .args(["--url", &format!("http://{}", server.addr), "--token", &token])
        .arg("--screenshots")
        .arg(&shots)
        .arg("--downloads")
        .arg(&downloads)
        .env("MGC_CHROMIUM", &browser)
        .env("MGC_CHROMEDRIVER", &driver)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the console script failed:\n{stdout}{}", String::from_utf8_lossy(&out.stderr));
    for step in [
        "login",
        "live value",
        "alarm ack",
        "alarm rule edit",
        "statement issue void pdf",
        "shadow run",
        "command",
        "tariff validation",
        "pages",
        "api key login",
        "docs",
    ] {
        assert!(stdout.contains(&format!("ok {step}\n")), "step {step} did not pass:\n{stdout}");
    }

    // What the browser did is what the service holds.
    let bearer = format!("Bearer {token}");
    let (s, alarms) = call(&server, "GET", "/api/v1/alarms?status=ack", &bearer, None);
    assert_eq!(s, 200, "{alarms}");
    assert_eq!(alarms["items"][0]["acknowledged_by"], "dev", "{alarms}");
    let (s, statements) = call(&server, "GET", "/api/v1/statements", &bearer, None);
    assert_eq!((s, statements["items"][0]["state"].as_str()), (200, Some("void")), "{statements}");
    assert_eq!(statements["items"][0]["void_reason"], "console test", "{statements}");
    let (s, runs) = call(&server, "GET", "/api/v1/shadow-runs", &bearer, None);
    assert_eq!((s, runs["items"][0]["state"].as_str()), (200, Some("succeeded")), "{runs}");
    let pngs =
        std::fs::read_dir(&shots).unwrap().flatten().filter(|e| e.path().extension().is_some_and(|x| x == "png"));
    assert!(pngs.count() >= 12, "screenshots in {}", shots.display());
    eprintln!("console screenshots: {}", shots.display());
    assert!(server.stop().success());
}
