//! `just bench-notify`: platform subscription notices and the cost of the charging audit trail,
//! through the release `mgc serve` (PostgreSQL when available, else SQLite;
//! BENCH_NOTIFY_DATABASE=postgres|sqlite chooses) in one run.
//!
//! Two servers are started alike, each with a local webhook receiver subscribed to every event
//! type (`*`, `progress_interval_s` 0, so every source event is told): "on" records the charging
//! timeline (the default), "off" runs with `charging.timeline_enabled = false`.
//! (a) audit trail on vs off: BENCH_NOTIFY_AB_CLIENTS (50) charge points run sessions back to
//!     back for BENCH_NOTIFY_AB_S (20) seconds against each server, alternating on/off for
//!     BENCH_NOTIFY_AB_ROUNDS (2) rounds; OCPP calls/s and server + PostgreSQL CPU per call, and the
//!     slowdown of "on" against the same-run "off" (goal < 5 %).
//! (b) notices under load, on the "on" server only: BENCH_NOTIFY_DEVICES (10000) charge points
//!     connect at BENCH_NOTIFY_RAMP (200) per second and are held BENCH_NOTIFY_HOLD_S (90) s with
//!     heartbeats every 60 s; BENCH_NOTIFY_CHARGING (devices / 20) of them charge back to back
//!     (sessions of about BENCH_NOTIFY_SESSION_S (60) s, meter values every 15 s). Latency of each
//!     notice = receiver arrival - the event's `occurred_at`, per phase (connect storm, its
//!     backlog draining, steady = the hold after the subscription has nothing pending, up to
//!     BENCH_NOTIFY_BACKLOG_S (300) s after the ramp; disconnects) as count/p50/p95/p99/max
//!     (goal steady p99 < 1 s, bound < 10 s), and every
//!     source event in the outbox accounted for: lost, duplicated, unexpected, badly signed.
//!
//! Needs `cargo build --release -p mgc-server` first; run with the open-file limit raised
//! (the recipe raises the soft limit to the hard one). BENCH_MGC=<path> runs another `mgc`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/server.rs"]
mod bench_server;
#[path = "support/fleet.rs"]
mod fleet;
#[path = "support/hook.rs"]
mod hook;

use bench_server::{admin_token, env_or, http_get_raw, http_post, mgc_binary, Server};
use chrono::{DateTime, Utc};
use fleet::{args, connected, cpu_s, interrupt, load_average, n, provision, simulator, summary, tag_args};
use hook::{account, latency_header, latency_row, Arrival, Arrivals};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

const SECRET: &str = "bench-notify-secret-0123456789";
/// Connections per simulator process (below a 20000 open-file limit with room to spare).
const PER_PROCESS: u64 = 9000;

/// One server under test with its receiver and subscription.
struct Side {
    label: &'static str,
    server: Server,
    db: String,
    token: String,
    subscription: String,
    arrivals: Arrivals,
    _keep: (Option<mgc_tests::TestDatabase>, tempfile::TempDir),
}

/// Knobs of the run (environment, with defaults).
struct Plan {
    devices: u64,
    ramp: u64,
    hold: u64,
    charging: u64,
    session_s: u64,
    ab_clients: u64,
    ab_s: u64,
    ab_rounds: u64,
    postgres: bool,
}

fn start_side(bin: &Path, rt: &tokio::runtime::Runtime, plan: &Plan, label: &'static str, trail: bool) -> Side {
    let dir = tempfile::tempdir().expect("temp dir");
    let pg = if plan.postgres { rt.block_on(mgc_tests::postgres_database()) } else { None };
    let db = pg.as_ref().map_or_else(|| format!("sqlite://{}/mgc.db", dir.path().display()), |d| d.url.clone());
    let (url, arrivals) = rt.block_on(hook::start(SECRET));
    // The subscription's limits; the defaults are the product's.
    let (rate, workers, per_endpoint) = (
        env_or("BENCH_NOTIFY_RATE", 1000).to_string(),
        env_or("BENCH_NOTIFY_WORKERS", 32).to_string(),
        env_or("BENCH_NOTIFY_PER_ENDPOINT", 16).to_string(),
    );
    let env = [
        ("MGC_OCPP__ENABLED", "true"),
        ("MGC_OCPP__HEARTBEAT_INTERVAL_S", "60"),
        ("MGC_NOTIFY__SUBSCRIPTION_RATE_PER_SEC", rate.as_str()),
        ("MGC_NOTIFY__WORKERS", workers.as_str()),
        ("MGC_NOTIFY__SUBSCRIPTION_CONCURRENCY", per_endpoint.as_str()),
        ("MGC_CHARGING__TIMELINE_ENABLED", if trail { "true" } else { "false" }),
        ("RUST_LOG", "warn"),
    ];
    let server = Server::start(bin, &db, &env);
    let tags = plan.charging.max(plan.ab_clients);
    provision(bin, &server, &db, plan.devices.max(plan.ab_clients), tags);
    let token = admin_token(bin, &server);
    let body = json!({"url": url, "secret": SECRET, "event_types": ["*"], "progress_interval_s": 0});
    let (s, sub) = http_post(&server.addr, "/api/v1/subscriptions", &token, &body);
    assert_eq!(s, 201, "subscription refused: {sub}");
    let subscription = sub["id"].as_str().expect("subscription id").to_owned();
    Side { label, server, db, token, subscription, arrivals, _keep: (pg, dir) }
}

fn stats(side: &Side) -> Value {
    let path = format!("/api/v1/subscriptions/{}/stats", side.subscription);
    let (s, body) = http_get_raw(&side.server.addr, &path, &side.token);
    assert_eq!(s, 200, "stats: {}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap_or_default()
}

/// Waits until the outbox has no pending source event since `since`, the subscription nothing
/// pending or retrying and the receiver nothing new for a poll; at most `limit`.
fn drain(rt: &tokio::runtime::Runtime, side: &Side, since: DateTime<Utc>, limit: Duration) -> (Vec<String>, f64) {
    let started = Instant::now();
    let mut seen = usize::MAX;
    loop {
        std::thread::sleep(Duration::from_secs(2));
        let (ids, pending) =
            rt.block_on(fleet::source_events(&side.db, mgc_platform::subscriptions::notices::SOURCE_TYPES, since));
        let st = stats(side);
        let now = side.arrivals.lock().unwrap().len();
        let quiet = pending == 0 && st["pending"] == 0 && st["retrying"] == 0 && now == seen;
        if quiet || started.elapsed() > limit {
            if !quiet {
                println!(
                    "    drain gave up after {:.0} s: outbox pending {pending}, subscription {st}",
                    limit.as_secs_f64()
                );
            }
            return (ids, started.elapsed().as_secs_f64());
        }
        seen = now;
    }
}

/// Waits until `side`'s outbox has nothing pending and its subscription nothing to send (at
/// most BENCH_NOTIFY_SETTLE_S, 300 s); returns the seconds waited.
fn settle(rt: &tokio::runtime::Runtime, side: &Side) -> f64 {
    let started = Instant::now();
    let limit = Duration::from_secs(env_or("BENCH_NOTIFY_SETTLE_S", 300));
    while started.elapsed() < limit {
        let outbox = rt.block_on(fleet::outbox_pending(&side.db));
        let st = stats(side);
        if outbox == 0 && st["pending"] == 0 && st["retrying"] == 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    started.elapsed().as_secs_f64()
}

/// (a): alternating back-to-back session runs against the two servers.
fn audit_on_off(bin: &Path, rt: &tokio::runtime::Runtime, plan: &Plan, sides: &[Side]) {
    let mut runs: [Vec<(f64, f64, f64, f64)>; 2] = [Vec::new(), Vec::new()];
    for round in 0..plan.ab_rounds {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for i in order {
            let side = &sides[i];
            let mut extra = args(&["--back-to-back", "--session-length", "1ms", "--meter-interval", "1ms"]);
            extra.extend(args(&["--duration", &format!("{}s", plan.ab_s), "--ramp-per-second", "0"]));
            extra.extend(tag_args(plan.ab_clients));
            let name = format!("ab-{}-{round}", side.label);
            let busy = || cpu_s(side.server.pid()) + rt.block_on(fleet::database_cpu_s(&side.db));
            let cpu0 = busy();
            let s = summary(&side.server, &name, simulator(bin, &side.server, &name, 1, plan.ab_clients, &extra));
            // The round is over when its events are dispatched and told: the work it left
            // behind is its own (and would otherwise slow the other server's next round).
            let drained = settle(rt, side);
            let cpu = busy() - cpu0;
            let calls = n(&s, "calls") / (plan.ab_s as f64 + drained).max(1e-9);
            let cpu_ms_per_call = cpu * 1000.0 / n(&s, "calls").max(1.0);
            let errors = n(&s, "call_errors") + n(&s, "timeouts") + n(&s, "connect_failures");
            println!(
                "    round {round} trail {:<3}  {calls:>7.0} calls/s  {:>6.1} sessions/s  p99 {:>6.1} ms  server+DB CPU {cpu_ms_per_call:.2} ms/call  {errors} errors  (drained {drained:.1} s after)",
                side.label,
                n(&s, "sessions_per_s"),
                n(&s, "p99_ms")
            );
            runs[i].push((calls, n(&s, "sessions_per_s"), n(&s, "p99_ms"), cpu_ms_per_call));
        }
    }
    let mean = |v: &[(f64, f64, f64, f64)], f: fn(&(f64, f64, f64, f64)) -> f64| {
        v.iter().map(f).sum::<f64>() / v.len().max(1) as f64
    };
    let (on, off) = (mean(&runs[0], |r| r.0), mean(&runs[1], |r| r.0));
    let (cpu_on, cpu_off) = (mean(&runs[0], |r| r.3), mean(&runs[1], |r| r.3));
    let slowdown = (1.0 - on / off.max(1e-9)) * 100.0;
    println!(
        "  {:<22} {:>12} {:>12} {:>14} {:>16}",
        "audit trail", "calls/s", "sessions/s", "p99 call ms", "server+DB CPU/call"
    );
    for (i, label) in [(0, "on (default)"), (1, "off (switch)")] {
        println!(
            "  {label:<22} {:>12.0} {:>12.1} {:>14.1} {:>13.2} ms",
            mean(&runs[i], |r| r.0),
            mean(&runs[i], |r| r.1),
            mean(&runs[i], |r| r.2),
            mean(&runs[i], |r| r.3)
        );
    }
    println!(
        "  on/off calls/s = {:.3}: slowdown {slowdown:.1} % (goal < 5 %: {}); CPU per call +{:.1} %",
        on / off.max(1e-9),
        if slowdown < 5.0 { "met" } else { "NOT met" },
        (cpu_on / cpu_off.max(1e-9) - 1.0) * 100.0
    );
}

/// Starts the (b) fleets: the charging one first, then idle ones of at most PER_PROCESS.
fn start_fleets(bin: &Path, plan: &Plan, side: &Side, run_s: u64) -> Vec<(String, std::process::Child)> {
    let rate = |share: u64| format!("{:.1}", (plan.ramp as f64 * share as f64 / plan.devices as f64).max(1.0));
    let common = |share: u64| {
        let mut a = args(&["--heartbeat", "60s", "--duration", &format!("{run_s}s"), "--ramp-per-second"]);
        a.push(rate(share));
        a
    };
    let mut fleets = Vec::new();
    let mut extra = common(plan.charging);
    extra.extend(args(&["--back-to-back", "--session-length", &format!("{}s", plan.session_s)]));
    extra.extend(args(&["--meter-interval", "15s"]));
    extra.extend(tag_args(plan.charging));
    fleets.push(("charging".to_owned(), simulator(bin, &side.server, "charging", 1, plan.charging, &extra)));
    let mut first = plan.charging + 1;
    while first <= plan.devices {
        let count = PER_PROCESS.min(plan.devices - first + 1);
        let mut extra = common(count);
        extra.extend(args(&["--sessions-per-hour", "0"]));
        let name = format!("idle-{first}");
        fleets.push((name.clone(), simulator(bin, &side.server, &name, first, count, &extra)));
        first += count;
    }
    fleets
}

/// (b): the fleet on the "on" server, its notices timed and accounted for.
fn notices_under_load(bin: &Path, rt: &tokio::runtime::Runtime, plan: &Plan, side: &Side) {
    let pid = side.server.pid();
    let since = Utc::now();
    let ramp_s = plan.devices.div_ceil(plan.ramp.max(1));
    let fleets = start_fleets(bin, plan, side, ramp_s + plan.hold + 600);
    let started = Instant::now();
    let (mut peak, mut peak_at) = (0u64, Instant::now());
    while started.elapsed() < Duration::from_secs(ramp_s + 120) {
        std::thread::sleep(Duration::from_secs(1));
        let now = connected(&side.server.addr).unwrap_or(peak);
        if now > peak {
            (peak, peak_at) = (now, Instant::now());
        }
        if peak >= plan.devices || peak_at.elapsed() > Duration::from_secs(60) {
            break;
        }
    }
    let ramp_end = Utc::now();
    println!(
        "  connect storm: {peak} of {} connected after {:.0} s; load average {}",
        plan.devices,
        started.elapsed().as_secs_f64(),
        load_average()
    );
    // Normal traffic is timed from the moment the storm's backlog is gone: until then the
    // steady notices queue behind the storm's (told as their own phase).
    let backlog_started = Instant::now();
    let limit = Duration::from_secs(env_or("BENCH_NOTIFY_BACKLOG_S", 300));
    while backlog_started.elapsed() < limit {
        // Nothing left in the outbox to turn into notices, and nothing left to send.
        let (_, outbox) =
            rt.block_on(fleet::source_events(&side.db, mgc_platform::subscriptions::notices::SOURCE_TYPES, since));
        let st = stats(side);
        if outbox == 0 && st["pending"] == 0 && st["retrying"] == 0 {
            break;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    let steady_start = Utc::now();
    println!(
        "  storm backlog: outbox and subscription drained {:.1} s after the ramp; load average {}",
        backlog_started.elapsed().as_secs_f64(),
        load_average()
    );
    let (cpu0, hold_started) = (cpu_s(pid), Instant::now());
    let mut low = peak;
    while hold_started.elapsed() < Duration::from_secs(plan.hold) {
        std::thread::sleep(Duration::from_secs(5));
        low = low.min(connected(&side.server.addr).unwrap_or(low));
    }
    let hold_end = Utc::now();
    let busy = (cpu_s(pid) - cpu0) / hold_started.elapsed().as_secs_f64() * 100.0;
    println!(
        "  steady: {} held {} s (lowest read {low}); server CPU {busy:.0} % of one core, VmRSS {:.0} MiB; load average {}",
        connected(&side.server.addr).map_or("?".to_owned(), |c| c.to_string()),
        plan.hold,
        fleet::rss_mib(pid),
        load_average()
    );
    fleets.iter().for_each(|(_, child)| interrupt(child));
    let (mut failures, mut worst_p99, mut sessions) = (0.0, 0.0f64, (0.0, 0.0));
    for (name, child) in fleets {
        let s = summary(&side.server, &name, child);
        failures += n(&s, "connect_failures") + n(&s, "call_errors") + n(&s, "timeouts");
        worst_p99 = worst_p99.max(n(&s, "p99_ms"));
        sessions = (sessions.0 + n(&s, "sessions_started"), sessions.1 + n(&s, "sessions_completed"));
    }
    println!(
        "  fleets: {} sessions started, {} completed; {failures} failed connects/CALLERRORs/timeouts; worst p99 call {worst_p99:.1} ms",
        sessions.0, sessions.1
    );
    let (expected, waited) = drain(rt, side, since, Duration::from_secs(env_or("BENCH_NOTIFY_DRAIN_S", 300)));
    let got: Vec<Arrival> =
        side.arrivals.lock().unwrap().iter().filter(|a| a.occurred_at.is_some_and(|t| t >= since)).cloned().collect();
    report(&expected, &got, [ramp_end, steady_start, hold_end], waited);
}

/// Prints the latency per phase and the accounting; `[ramp_end, steady_start, hold_end]` cut
/// the phases (storm, its backlog, steady, disconnects).
fn report(expected: &[String], got: &[Arrival], [ramp_end, steady_start, hold_end]: [DateTime<Utc>; 3], waited: f64) {
    // First arrival of each notice (a redelivery is counted as a duplicate, not timed again).
    let mut first: BTreeMap<&str, &Arrival> = BTreeMap::new();
    got.iter().for_each(|a| {
        first.entry(&a.id).or_insert(a);
    });
    let lat = |f: &dyn Fn(&Arrival) -> bool| -> Vec<f64> {
        first.values().copied().filter(|a| f(a)).filter_map(Arrival::latency_ms).collect()
    };
    let at = |a: &Arrival| a.occurred_at.unwrap_or(hold_end);
    println!("{}", latency_header());
    println!("{}", latency_row("connect storm (ramp)", lat(&|a| at(a) < ramp_end)));
    println!("{}", latency_row("storm backlog (draining)", lat(&|a| at(a) >= ramp_end && at(a) < steady_start)));
    let steady: Vec<f64> = lat(&|a| at(a) >= steady_start && at(a) < hold_end);
    println!("{}", latency_row("steady (normal traffic)", steady.clone()));
    println!("{}", latency_row("disconnects (wind-down)", lat(&|a| at(a) >= hold_end)));
    println!("{}", latency_row("all", lat(&|_| true)));
    let mut types: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for a in first.values().copied().filter(|a| at(a) >= steady_start && at(a) < hold_end) {
        types.entry(&a.event).or_default().extend(a.latency_ms());
    }
    types.into_iter().for_each(|(t, v)| println!("{}", latency_row(&format!("  steady {t}"), v)));
    let acc = account(expected, got);
    println!(
        "  accounting (drained in {waited:.0} s): {} source events in the outbox, {} told, lost {}, \
         duplicate notices {}, events told twice {}, unexpected {}, bad signatures {}",
        acc.expected, acc.received, acc.lost, acc.duplicate_notices, acc.duplicate_events, acc.unexpected, acc.unsigned
    );
    let mut sorted = steady;
    sorted.sort_by(f64::total_cmp);
    let p99 = hook::percentile(&sorted, 99.0);
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    println!(
        "  steady p99 {p99:.0} ms: goal < 1 s {}, bound < 10 s {}; every event once: {}",
        verdict(p99 < 1000.0),
        verdict(p99 < 10_000.0),
        verdict(acc.lost == 0 && acc.duplicate_events == 0 && acc.unexpected == 0 && acc.unsigned == 0)
    );
}

fn main() {
    let devices = env_or("BENCH_NOTIFY_DEVICES", 10_000).max(20);
    let plan = Plan {
        devices,
        ramp: env_or("BENCH_NOTIFY_RAMP", 200).max(1),
        hold: env_or("BENCH_NOTIFY_HOLD_S", 90),
        charging: env_or("BENCH_NOTIFY_CHARGING", devices / 20).clamp(1, devices),
        session_s: env_or("BENCH_NOTIFY_SESSION_S", 60).max(1),
        ab_clients: env_or("BENCH_NOTIFY_AB_CLIENTS", 50).max(1),
        ab_s: env_or("BENCH_NOTIFY_AB_S", 20).max(1),
        ab_rounds: env_or("BENCH_NOTIFY_AB_ROUNDS", 2).max(1),
        postgres: false,
    };
    let bin = mgc_binary();
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    let postgres = match std::env::var("BENCH_NOTIFY_DATABASE").as_deref() {
        Ok("sqlite") => false,
        Ok("postgres") => true,
        _ => rt.block_on(mgc_tests::postgres_database()).is_some(),
    };
    let plan = Plan { postgres, ..plan };
    println!(
        "notify bench: {} serve on {}; load average {}",
        bin.display(),
        if postgres { "PostgreSQL" } else { "SQLite (no PostgreSQL found)" },
        load_average()
    );
    let provisioned = Instant::now();
    let sides = [start_side(&bin, &rt, &plan, "on", true), start_side(&bin, &rt, &plan, "off", false)];
    println!(
        "  two servers (trail on at {}, off at {}), {} charge points each provisioned in {:.1} s",
        sides[0].server.addr,
        sides[1].server.addr,
        plan.devices,
        provisioned.elapsed().as_secs_f64()
    );
    println!(
        "(a) audit trail on vs off, {} clients back to back, {} x {} s each",
        plan.ab_clients, plan.ab_rounds, plan.ab_s
    );
    audit_on_off(&bin, &rt, &plan, &sides);
    let rows = [rt.block_on(fleet::timeline_rows(&sides[0].db)), rt.block_on(fleet::timeline_rows(&sides[1].db))];
    println!("  timeline rows written: on {}, off {} (must be 0); load average {}", rows[0], rows[1], load_average());
    assert_eq!(rows[1], 0, "the switch left timeline rows behind");
    let [on, off] = sides;
    drop(off);
    drain(&rt, &on, Utc::now() - chrono::Duration::hours(1), Duration::from_secs(120));
    println!(
        "(b) notices: {} charge points at {}/s, {} charging (sessions ~{} s), held {} s; receiver subscribed to *",
        plan.devices, plan.ramp, plan.charging, plan.session_s, plan.hold
    );
    notices_under_load(&bin, &rt, &plan, &on);
    println!("load average at the end {}", load_average());
    drop(on);
}
