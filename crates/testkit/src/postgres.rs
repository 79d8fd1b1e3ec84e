//! Fresh PostgreSQL databases, on a server named by the environment or on a throwaway cluster.
//!
//! The throwaway cluster is started at most once per test process, with blocking
//! `std::process` calls (tests may run on different tokio runtimes), and every sqlx connection
//! is opened and closed within one call, so nothing outlives the runtime that made it. A
//! detached watchdog shell stops the cluster and deletes its directory once the test process
//! is gone, however it ended.

use std::io::Write;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use sqlx::{Connection, Executor, PgConnection};
use uuid::Uuid;

use crate::backend::{Backend, TestDatabase};

/// Printed (or panicked with) when no PostgreSQL is available.
const SKIP_MESSAGE: &str = "PostgreSQL binaries not found: PostgreSQL half of the test suite \
                            SKIPPED; install postgresql or set MGC_TEST_POSTGRES_URL";

/// The programs a throwaway cluster needs, all from one directory.
const TOOLS: [&str; 3] = ["initdb", "pg_ctl", "postgres"];

/// The unprivileged user that runs the cluster when the tests run as root.
const UNPRIVILEGED_USER: &str = "nobody";

/// How often `pg_ctl start` is tried, each time on a new port (another process may take the
/// port between our probe and the server's bind).
const START_ATTEMPTS: u32 = 3;

/// The throwaway cluster of this process: `Ok(Some(admin url))`, `Ok(None)` when there are no
/// PostgreSQL binaries, or `Err(why it could not start)`.
static CLUSTER: OnceLock<Result<Option<String>, String>> = OnceLock::new();

/// A fresh, empty PostgreSQL database, or `None` (after a loud warning) if no PostgreSQL is available.
///
/// Panics if a server was found but the database cannot be created, if the throwaway cluster
/// fails to start (with its log), or if there is no PostgreSQL and `MGC_REQUIRE_POSTGRES=1`.
pub async fn postgres_database() -> Option<TestDatabase> {
    let admin_url = match external_server_url() {
        Some(url) => url,
        None => local_cluster_url().await?,
    };
    let name = format!("mgc_test_{}", Uuid::new_v4().simple());
    let shown = redact_password(&admin_url);

    let mut conn = PgConnection::connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("test harness: cannot connect to PostgreSQL at {shown}: {e}"));
    conn.execute(format!("CREATE DATABASE \"{name}\"").as_str())
        .await
        .unwrap_or_else(|e| panic!("test harness: cannot create database {name} at {shown}: {e}"));
    // A failed goodbye does not matter: the database exists.
    let _ = conn.close().await;

    Some(TestDatabase::new(Backend::Postgres, with_database(&admin_url, &name), None))
}

/// The admin URL from `MGC_TEST_POSTGRES_URL`, or else from a PostgreSQL `DATABASE_URL`.
fn external_server_url() -> Option<String> {
    if let Some(url) = non_empty_var("MGC_TEST_POSTGRES_URL") {
        return Some(url);
    }
    non_empty_var("DATABASE_URL").filter(|url| url.starts_with("postgres://") || url.starts_with("postgresql://"))
}

fn non_empty_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn postgres_required() -> bool {
    matches!(std::env::var("MGC_REQUIRE_POSTGRES").as_deref(), Ok("1" | "true" | "yes"))
}

/// The admin URL of this process's throwaway cluster, starting it on first use.
async fn local_cluster_url() -> Option<String> {
    let outcome = match CLUSTER.get() {
        Some(outcome) => outcome,
        // Start-up blocks (initdb, pg_ctl -w): keep it off the runtime's worker thread.
        None => tokio::task::spawn_blocking(|| CLUSTER.get_or_init(start_cluster))
            .await
            .expect("test harness: the PostgreSQL start-up task failed"),
    };
    match outcome {
        Ok(Some(url)) => Some(url.clone()),
        Ok(None) if postgres_required() => panic!("{SKIP_MESSAGE} (MGC_REQUIRE_POSTGRES=1)"),
        Ok(None) => None,
        Err(why) => panic!("{why}"),
    }
}

/// Finds the binaries and starts the cluster; runs once per process.
fn start_cluster() -> Result<Option<String>, String> {
    let Some(bin_dir) = find_bin_dir() else {
        if !postgres_required() {
            // Straight to the process's stderr: the test harness's capture would hide eprintln!.
            let bar = "!".repeat(100);
            let _ = writeln!(std::io::stderr().lock(), "\n{bar}\n!!! {SKIP_MESSAGE}\n{bar}\n");
        }
        return Ok(None);
    };
    Cluster::start(&bin_dir)
        .map(Some)
        .map_err(|why| format!("test harness: the throwaway PostgreSQL cluster failed: {why}"))
}

/// The directory holding `initdb`, `pg_ctl` and `postgres`: `MGC_TEST_PG_BIN_DIR` if set (and
/// nothing else), else the first such directory on `PATH`, else the newest
/// `/usr/lib/postgresql/<version>/bin` (where Debian puts them).
fn find_bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("MGC_TEST_PG_BIN_DIR").filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        return has_tools(&dir).then_some(dir);
    }
    if let Some(path) = std::env::var_os("PATH") {
        if let Some(dir) = std::env::split_paths(&path).find(|dir| has_tools(dir)) {
            return Some(dir);
        }
    }
    let mut versions: Vec<(Vec<u32>, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry
                .file_name()
                .to_str()?
                .split('.')
                .map(|part| part.parse::<u32>().ok())
                .collect::<Option<Vec<u32>>>()?;
            let bin = entry.path().join("bin");
            has_tools(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn has_tools(dir: &Path) -> bool {
    TOOLS.iter().all(|tool| is_executable(&dir.join(tool)))
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// How the cluster's programs are run: as ourselves, or, when we are root (initdb and postgres
/// refuse to run as root), as an unprivileged user.
enum RunAs {
    /// Not root: run the programs directly.
    CurrentUser,
    /// Root: `runuser -u nobody -- program args…`.
    Runuser(PathBuf),
    /// Root without runuser: `su nobody -s /bin/sh -c 'program args…'`.
    Su(PathBuf),
}

impl RunAs {
    fn detect() -> Result<RunAs, String> {
        let uid = Command::new("id")
            .arg("-u")
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned());
        if uid.as_deref() != Some("0") {
            return Ok(RunAs::CurrentUser);
        }
        let user_exists = Command::new("id")
            .arg("-u")
            .arg(UNPRIVILEGED_USER)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !user_exists {
            return Err(format!("running as root, and there is no user {UNPRIVILEGED_USER:?} to run PostgreSQL as"));
        }
        if let Some(runuser) = find_program("runuser") {
            Ok(RunAs::Runuser(runuser))
        } else if let Some(su) = find_program("su") {
            Ok(RunAs::Su(su))
        } else {
            Err("running as root, and neither runuser nor su is available to run PostgreSQL \
                 as an unprivileged user"
                .to_owned())
        }
    }

    fn is_root(&self) -> bool {
        !matches!(self, RunAs::CurrentUser)
    }

    /// The argument vector that runs `program args…` as the right user.
    fn argv(&self, program: &str, args: &[&str]) -> Vec<String> {
        let direct = std::iter::once(program).chain(args.iter().copied());
        match self {
            RunAs::CurrentUser => direct.map(str::to_owned).collect(),
            RunAs::Runuser(runuser) => {
                [runuser.display().to_string(), "-u".to_owned(), UNPRIVILEGED_USER.to_owned(), "--".to_owned()]
                    .into_iter()
                    .chain(direct.map(str::to_owned))
                    .collect()
            }
            RunAs::Su(su) => vec![
                su.display().to_string(),
                UNPRIVILEGED_USER.to_owned(),
                "-s".to_owned(),
                "/bin/sh".to_owned(),
                "-c".to_owned(),
                direct.map(sh_quote).collect::<Vec<_>>().join(" "),
            ],
        }
    }
}

/// A program on `PATH`, or in the system directories root's `PATH` usually has.
fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

/// Quotes one word for `sh`.
fn sh_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// The shell script of the watchdog: `sh -c SCRIPT sh PID DIR STOP-COMMAND…`. It forks a
/// subshell and returns at once; the subshell polls until process PID is gone, then runs the
/// stop command and removes DIR.
const WATCHDOG_SCRIPT: &str = r#"pid="$1"; dir="$2"; shift 2
(
  while kill -0 "$pid" 2>/dev/null; do sleep 1; done
  "$@"
  rm -rf "$dir"
) </dev/null >/dev/null 2>&1 &
"#;

/// Starting the throwaway cluster.
struct Cluster {
    run_as: RunAs,
    /// The cluster's directory: `data/`, `log`, and the Unix socket.
    dir: String,
    data: String,
    log: String,
    pg_ctl: String,
}

impl Cluster {
    /// Starts a cluster and returns its admin URL, or why it could not.
    fn start(bin_dir: &Path) -> Result<String, String> {
        let run_as = RunAs::detect()?;
        // Root runs the cluster as `nobody`, who must reach the directory; the Unix socket path
        // must also stay short. /tmp serves both.
        let base = std::env::temp_dir();
        let base = if run_as.is_root() || base.as_os_str().len() > 60 { PathBuf::from("/tmp") } else { base };
        let dir = tempfile::Builder::new()
            .prefix("mgc-pg-")
            .tempdir_in(&base)
            .map_err(|e| format!("cannot create a directory in {}: {e}", base.display()))?
            // The watchdog removes it when the process is gone; no drop may do it before.
            .keep();
        let dir = utf8(&dir)?;
        let cluster = Cluster {
            data: format!("{dir}/data"),
            log: format!("{dir}/log"),
            pg_ctl: utf8(&bin_dir.join("pg_ctl"))?,
            dir,
            run_as,
        };
        cluster.spawn_watchdog()?;
        if cluster.run_as.is_root() {
            cluster.run(vec!["chown".to_owned(), UNPRIVILEGED_USER.to_owned(), cluster.dir.clone()])?;
        }
        let initdb = utf8(&bin_dir.join("initdb"))?;
        cluster.run(cluster.run_as.argv(
            &initdb,
            &["-D", &cluster.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
        ))?;
        let port = cluster.start_server()?;
        Ok(format!("postgres://postgres@127.0.0.1:{port}/postgres"))
    }

    /// Runs `pg_ctl start` on a free port, trying again on another port if that one was taken.
    fn start_server(&self) -> Result<u16, String> {
        let mut attempt = 1;
        loop {
            let port = free_port()?;
            let options = format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
                 -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                sh_quote(&self.dir)
            );
            let argv = self
                .run_as
                .argv(&self.pg_ctl, &["-D", &self.data, "-o", &options, "-l", &self.log, "-w", "-t", "60", "start"]);
            match self.run(argv) {
                Ok(()) => return Ok(port),
                Err(why) => {
                    let log = log_tail(&self.log, 40);
                    let port_taken = log.contains("could not bind") || log.contains("already in use");
                    if !(port_taken && attempt < START_ATTEMPTS) {
                        return Err(format!("{why}\n--- server log {} (last 40 lines) ---\n{log}", self.log));
                    }
                    attempt += 1;
                }
            }
        }
    }

    /// Starts the detached watchdog that stops the cluster and removes its directory once this
    /// process has exited.
    fn spawn_watchdog(&self) -> Result<(), String> {
        let stop = self.run_as.argv(&self.pg_ctl, &["-D", &self.data, "stop", "-m", "immediate"]);
        let status = Command::new("sh")
            .arg("-c")
            .arg(WATCHDOG_SCRIPT)
            .arg("mgc-pg-watchdog")
            .arg(std::process::id().to_string())
            .arg(&self.dir)
            .args(&stop)
            .current_dir("/")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group: a Ctrl-C or a group kill of the tests must not reach it.
            .process_group(0)
            .status()
            .map_err(|e| format!("cannot start the cleanup watchdog (sh): {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("the cleanup watchdog (sh) failed: {status}"))
        }
    }

    /// Runs a command to completion in the cluster's directory; an error shows its output.
    fn run(&self, argv: Vec<String>) -> Result<(), String> {
        let shown = argv
            .iter()
            .map(|word| if word.contains([' ', '\'']) { sh_quote(word) } else { word.clone() })
            .collect::<Vec<_>>()
            .join(" ");
        let output: Output = Command::new(&argv[0])
            .args(&argv[1..])
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run `{shown}`: {e}"))?;
        if output.status.success() {
            return Ok(());
        }
        Err(format!(
            "`{shown}` failed ({})\n--- stdout ---\n{}\n--- stderr ---\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout).trim_end(),
            String::from_utf8_lossy(&output.stderr).trim_end(),
        ))
    }
}

fn utf8(path: &Path) -> Result<String, String> {
    path.to_str().map(str::to_owned).ok_or_else(|| format!("path is not UTF-8: {}", path.display()))
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|e| format!("cannot find a free TCP port on 127.0.0.1: {e}"))
}

/// The last `lines` lines of a log file (or why it cannot be read).
fn log_tail(path: &str, lines: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("(cannot read {path}: {e})"),
    }
}

/// `url` with its database (path) replaced by `name`, keeping any `?query`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_at(url.find('?').unwrap_or(url.len()));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..].find('/').map_or(base.len(), |i| authority_start + i);
    format!("{}/{name}{query}", &base[..path_start])
}

/// `url` with any password replaced by `***`, for messages.
fn redact_password(url: &str) -> String {
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[authority_start..];
    let authority_len = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_len];
    match authority.rfind('@') {
        Some(at) => match authority[..at].find(':') {
            Some(colon) => {
                format!("{}{}:***{}", &url[..authority_start], &authority[..colon], &url[authority_start + at..])
            }
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_database_replaces_or_adds_the_path() {
        assert_eq!(with_database("postgres://u:p@h:5432/postgres", "x"), "postgres://u:p@h:5432/x");
        assert_eq!(with_database("postgresql://h/db?sslmode=disable", "x"), "postgresql://h/x?sslmode=disable");
        assert_eq!(with_database("postgres://h:1", "x"), "postgres://h:1/x");
        assert_eq!(with_database("postgres://h?a=b", "x"), "postgres://h/x?a=b");
    }

    #[test]
    fn redact_password_hides_only_the_password() {
        assert_eq!(redact_password("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact_password("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_password("postgres://h:5432/db"), "postgres://h:5432/db");
    }

    #[test]
    fn sh_quote_survives_single_quotes() {
        assert_eq!(sh_quote("a b"), "'a b'");
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
    }
}
