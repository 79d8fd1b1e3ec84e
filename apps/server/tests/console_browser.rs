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
//! The same scenario runs in headless Firefox (Debian `firefox-esr` and geckodriver, which
//! `.ci/run` installs with `cargo install` into `~/.cache/mgc-ci/geckodriver`; `MGC_FIREFOX` and
//! `MGC_GECKODRIVER` point at others). Screenshots land in `target/console-screenshots/<browser>/`.
//! Without a browser its test says so loudly and passes, unless `MGC_REQUIRE_CHROMIUM=1` /
//! `MGC_REQUIRE_FIREFOX=1` (as in CI). The browsers run one after the other.

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

/// A browser the scenario runs in.
#[derive(Clone, Copy)]
enum Browser {
    Chromium,
    Firefox,
}

impl Browser {
    fn name(self) -> &'static str {
        match self {
            Browser::Chromium => "chromium",
            Browser::Firefox => "firefox",
        }
    }

    /// Environment variables naming the browser and its driver (and demanding them), defaults,
    /// and how to install them.
    fn setup(self) -> ([&'static str; 3], [PathBuf; 2], &'static str) {
        match self {
            Browser::Chromium => (
                ["MGC_CHROMIUM", "MGC_CHROMEDRIVER", "MGC_REQUIRE_CHROMIUM"],
                [PathBuf::from("/usr/bin/chromium"), PathBuf::from("/usr/bin/chromedriver")],
                "apt-get install chromium chromium-driver",
            ),
            Browser::Firefox => (
                ["MGC_FIREFOX", "MGC_GECKODRIVER", "MGC_REQUIRE_FIREFOX"],
                [PathBuf::from("/usr/bin/firefox-esr"), geckodriver()],
                "apt-get install firefox-esr; cargo install --locked geckodriver (see .ci/run)",
            ),
        }
    }

    /// The browser and driver to use, or None (after a loud message) when they are missing and
    /// not required.
    fn find(self) -> Option<(PathBuf, PathBuf)> {
        let ([browser_var, driver_var, require_var], [browser, driver], install) = self.setup();
        let browser = std::env::var_os(browser_var).map_or(browser, PathBuf::from);
        let driver = std::env::var_os(driver_var).map_or(driver, PathBuf::from);
        if browser.exists() && driver.exists() {
            return Some((browser, driver));
        }
        let what = format!("{} and {}", browser.display(), driver.display());
        assert!(std::env::var(require_var).as_deref() != Ok("1"), "{require_var}=1 but {what} are missing ({install})");
        eprintln!("\n*** SKIPPED: the console browser test in {} needs {what} ({install}) ***\n", self.name());
        None
    }
}

/// geckodriver as `.ci/run` installs it, else the first on `PATH`.
fn geckodriver() -> PathBuf {
    let cached = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/mgc-ci/geckodriver/bin/geckodriver"));
    let on_path = std::env::var_os("PATH")
        .and_then(|p| std::env::split_paths(&p).map(|d| d.join("geckodriver")).find(|f| f.exists()));
    cached.filter(|c| c.exists()).or(on_path).unwrap_or_else(|| PathBuf::from("/usr/local/bin/geckodriver"))
}

fn screenshots_dir(browser: Browser) -> PathBuf {
    let target =
        Path::new(env!("CARGO_TARGET_TMPDIR")).parent().map_or_else(|| repo_root().join("target"), Path::to_path_buf);
    let dir = target.join("console-screenshots").join(browser.name());
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One browser at a time: two browsers and two servers at once starve a small CI machine.
static ONE_BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn an_operator_runs_a_station_from_the_console_in_chromium_on_sqlite() {
    run_console(Browser::Chromium);
}

#[test]
fn an_operator_runs_a_station_from_the_console_in_firefox_on_sqlite() {
    run_console(Browser::Firefox);
}

fn run_console(kind: Browser) {
    let Some((browser, driver)) = kind.find() else { return };
    let _one = ONE_BROWSER.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let bin = venv_bin("console-venv", "requirements-console.txt", "MGC_CONSOLE_VENV");
    let dir = tempfile::tempdir().unwrap();
    // Hours and days close at once so that the past day of the statement is settled quickly.
    let env = [("MGC_ANALYTICS__TICK_SECS", "1"), ("MGC_ANALYTICS__GRACE_SECS", "0")];
    let server = Server::start_with_env(dir.path(), &[], &env);
    let token = stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], dir.path()));
    let shots = screenshots_dir(kind);
    let downloads = dir.path().join("downloads");
    let out = Command::new(bin.join("python"))
        .arg(repo_root().join("tests/python/console_browser.py"))
        .args(["--url", &format!("http://{}", server.addr), "--token", &token])
        .arg("--screenshots")
        .arg(&shots)
        .arg("--downloads")
        .arg(&downloads)
        .args(["--browser", kind.name()])
        .env(kind.setup().0[0], &browser)
        .env(kind.setup().0[1], &driver)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the console script failed in {}:\n{stdout}{stderr}", kind.name());
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
    eprintln!("console screenshots ({}): {}", kind.name(), shots.display());
    assert!(server.stop().success());
}
