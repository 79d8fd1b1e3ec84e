//! `mgc simulate ocpp` fleets against a bench server, its CLI, /metrics and direct reads of its
//! database (the outbox and the timeline), for `just bench-notify`.

#![allow(dead_code)]

use super::bench_server::{Server, TENANT};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::Connection;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::time::Duration;

/// HTTP Basic password of every simulated charge point.
pub const PASSWORD: &str = "bench-password-0123456789";

/// Owned arguments.
pub fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// Runs an `mgc` CLI command against the server's data directory and database.
pub fn mgc(bin: &Path, server: &Server, db: &str, args: &[String]) -> String {
    let out = Command::new(bin)
        .args(args)
        .arg("--data-dir")
        .arg(server.data_dir.path())
        .args(["--database-url", db])
        .env("RUST_LOG", "error")
        .output()
        .expect("run mgc");
    assert!(out.status.success(), "mgc {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Provisions `count` charge points and `tags` accepted id tags `B1..`.
pub fn provision(bin: &Path, server: &Server, db: &str, count: u64, tags: u64) {
    let n = count.to_string();
    mgc(bin, server, db, &args(&["charging", "provision", "--tenant", TENANT, "--count", &n, "--password", PASSWORD]));
    let mut tag = args(&["charging", "tag", "--tenant", TENANT]);
    (1..=tags).for_each(|i| tag.extend(["--tag".to_owned(), format!("B{i}")]));
    mgc(bin, server, db, &tag);
}

/// `--id-tag B1 .. --id-tag Bk`: charge point n presents tag n mod k (one per charge point).
pub fn tag_args(k: u64) -> Vec<String> {
    (1..=k).flat_map(|i| ["--id-tag".to_owned(), format!("B{i}")]).collect()
}

/// Starts `mgc simulate ocpp` for charge points first..first+count-1; stdout/stderr to files.
pub fn simulator(bin: &Path, server: &Server, name: &str, first: u64, count: u64, extra: &[String]) -> Child {
    let dir = server.data_dir.path();
    let out = std::fs::File::create(dir.join(format!("{name}.json"))).expect("simulator output file");
    let err = std::fs::File::create(dir.join(format!("{name}.log"))).expect("simulator log file");
    Command::new(bin)
        .args(["simulate", "ocpp", "--url", &format!("ws://{}/ocpp/1.6/{TENANT}", server.addr)])
        .args(["--password", PASSWORD, "--first", &first.to_string(), "--charge-points", &count.to_string()])
        .args(["--seed", &first.to_string(), "--json"])
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("start mgc simulate")
}

/// Asks a simulator to stop (SIGINT: it stops its sessions, closes and prints its summary).
pub fn interrupt(child: &Child) {
    let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
}

/// Waits for a simulator and reads its JSON summary.
pub fn summary(server: &Server, name: &str, mut child: Child) -> Value {
    let status = child.wait().expect("wait for mgc simulate");
    let dir = server.data_dir.path();
    let text = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap_or_default();
    let log = std::fs::read_to_string(dir.join(format!("{name}.log"))).unwrap_or_default();
    serde_json::from_str(text.trim()).unwrap_or_else(|_| panic!("{name}: no summary ({status}):\n{log}"))
}

/// A number of a summary (0 when missing).
pub fn n(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(0.0)
}

/// The server's `mgc_ocpp_connected_charge_points`; None when /metrics did not answer in time.
pub fn connected(addr: &str) -> Option<u64> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("mgc_ocpp_connected_charge_points "))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map(|v| v as u64)
}

/// A line of /proc/<pid>/<file> starting with `key`.
pub fn proc_line(pid: u32, file: &str, key: &str) -> String {
    let text = std::fs::read_to_string(format!("/proc/{pid}/{file}")).unwrap_or_default();
    text.lines().find(|l| l.starts_with(key)).unwrap_or("?").to_owned()
}

/// VmRSS of a process, MiB.
pub fn rss_mib(pid: u32) -> f64 {
    let kib: f64 =
        proc_line(pid, "status", "VmRSS:").split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    kib / 1024.0
}

/// Busy CPU seconds (user + system) of a process so far.
pub fn cpu_s(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// The 1, 5 and 15 minute load averages.
pub fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

/// Outbox events of `types` (the tenant's) that occurred at or after `since`: their ids, and
/// how many of them are still pending dispatch.
pub async fn source_events(db: &str, types: &[&str], since: DateTime<Utc>) -> (Vec<String>, usize) {
    let list = types.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT id, occurred_at, status FROM outbox_events WHERE tenant_id = '{TENANT}' AND event_type IN ({list})"
    );
    let rows: Vec<(uuid::Uuid, DateTime<Utc>, String)> = if db.starts_with("sqlite:") {
        let opts = sqlx::sqlite::SqliteConnectOptions::from_str(db).expect("sqlite url").read_only(true);
        let mut c = sqlx::SqliteConnection::connect_with(&opts).await.expect("open the bench database");
        sqlx::query_as(&sql).fetch_all(&mut c).await.expect("read the outbox")
    } else {
        let mut c = sqlx::PgConnection::connect(db).await.expect("connect to the bench database");
        sqlx::query_as(&sql).fetch_all(&mut c).await.expect("read the outbox")
    };
    let mine: Vec<_> = rows.into_iter().filter(|(_, at, _)| *at >= since).collect();
    let pending = mine.iter().filter(|(_, _, s)| s == "pending").count();
    (mine.into_iter().map(|(id, _, _)| id.to_string()).collect(), pending)
}

/// Outbox events not yet delivered (any type).
pub async fn outbox_pending(db: &str) -> i64 {
    let sql = "SELECT COUNT(*) FROM outbox_events WHERE status = 'pending'";
    if db.starts_with("sqlite:") {
        let opts = sqlx::sqlite::SqliteConnectOptions::from_str(db).expect("sqlite url").read_only(true);
        let mut c = sqlx::SqliteConnection::connect_with(&opts).await.expect("open the bench database");
        sqlx::query_scalar(sql).fetch_one(&mut c).await.expect("count the outbox")
    } else {
        let mut c = sqlx::PgConnection::connect(db).await.expect("connect to the bench database");
        sqlx::query_scalar(sql).fetch_one(&mut c).await.expect("count the outbox")
    }
}

/// Rows of the charging timeline (the audit trail).
pub async fn timeline_rows(db: &str) -> i64 {
    let sql = "SELECT COUNT(*) FROM charging_timeline";
    if db.starts_with("sqlite:") {
        let opts = sqlx::sqlite::SqliteConnectOptions::from_str(db).expect("sqlite url").read_only(true);
        let mut c = sqlx::SqliteConnection::connect_with(&opts).await.expect("open the bench database");
        sqlx::query_scalar(sql).fetch_one(&mut c).await.expect("count the timeline")
    } else {
        let mut c = sqlx::PgConnection::connect(db).await.expect("connect to the bench database");
        sqlx::query_scalar(sql).fetch_one(&mut c).await.expect("count the timeline")
    }
}

/// CPU seconds so far of the PostgreSQL backends serving `db` (0 on SQLite, whose work is in
/// the server process): the server's pool connections, read from pg_stat_activity.
pub async fn database_cpu_s(db: &str) -> f64 {
    if db.starts_with("sqlite:") {
        return 0.0;
    }
    let mut c = sqlx::PgConnection::connect(db).await.expect("connect to the bench database");
    let sql = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
    let pids: Vec<i32> = sqlx::query_scalar(sql).fetch_all(&mut c).await.expect("read pg_stat_activity");
    pids.into_iter().map(|p| cpu_s(p as u32)).sum()
}
