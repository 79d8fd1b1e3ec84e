//! `just bench-alarm`: latency from the ingest request's acknowledgement to the webhook receiver
//! getting the alarm notification, through the release `mgc serve` on PostgreSQL, while a
//! steady background ingest load runs.
//!
//! BENCH_ALARMS (default 1000) alarms are raised, each by one signed telemetry request for one
//! of BENCH_ALARM_DEVICES meters (value = the alarm's sequence number, so the webhook envelope
//! names which request raised it) and cleared again by the next request for that device. Beside
//! it, BENCH_LOAD_THREADS threads post BENCH_LOAD_POINTS-point batches for other devices at
//! BENCH_LOAD_RPS requests/s each. Prints p50/p99/max over all alarms; goal p99 <= 250 ms.
//!
//! Needs `cargo build --release -p mgc-server` first and PostgreSQL (throwaway cluster binaries or
//! `MGC_TEST_POSTGRES_URL`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/server.rs"]
mod bench_server;

use bench_server::{admin_token, env_or, http_post, mgc_binary, signed_post, Server};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Arrivals = Arc<Mutex<HashMap<u64, Instant>>>;

/// Local webhook receiver: records when each `alarm.raised` for value k arrived.
async fn receiver(arrivals: Arrivals) -> String {
    async fn hook(axum::extract::State(a): axum::extract::State<Arrivals>, body: axum::body::Bytes) -> &'static str {
        let at = Instant::now();
        let v: Value = serde_json::from_slice(&body).unwrap_or_default();
        if v["event"] == "alarm.raised" {
            if let Some(k) = v["data"]["alarm"]["last_value"].as_f64() {
                a.lock().unwrap().insert(k as u64, at);
            }
        }
        "ok"
    }
    let app = axum::Router::new().route("/hook", axum::routing::post(hook)).with_state(arrivals);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let alarms = env_or("BENCH_ALARMS", 1000);
    let alarm_devices = env_or("BENCH_ALARM_DEVICES", 50);
    let load_devices = env_or("BENCH_LOAD_DEVICES", 50);
    let load_threads = env_or("BENCH_LOAD_THREADS", 2);
    let load_rps = env_or("BENCH_LOAD_RPS", 100);
    let load_points = env_or("BENCH_LOAD_POINTS", 200);
    let alarm_rps = env_or("BENCH_ALARM_RPS", 100);

    let bin = mgc_binary();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let db = runtime
        .block_on(mgc_tests::postgres_database())
        .expect("the alarm bench needs PostgreSQL: install its binaries or set MGC_TEST_POSTGRES_URL");
    let server = Server::start(&bin, &db.url, &[("MGC_NOTIFY__RATE_PER_SEC", "100000"), ("MGC_NOTIFY__WORKERS", "64")]);
    let token = admin_token(&bin, &server);

    let mut specs: Vec<Value> =
        (1..=alarm_devices).map(|n| json!({"name": format!("alarm-dev-{n}"), "kind": "meter"})).collect();
    specs.extend((1..=load_devices).map(|n| json!({"name": format!("load-dev-{n}"), "kind": "pv_inverter"})));
    let body = json!({"code": "bench-alarm", "name": "Alarm bench", "time_zone": "UTC", "devices": specs});
    let (s, a) = http_post(&server.addr, "/api/v1/provisioning/stations", &token, &body);
    assert_eq!(s, 200, "provisioning failed: {a}");
    let (s, a) = http_post(&server.addr, "/api/v1/integrations", &token, &json!({"name": "bench"}));
    assert_eq!(s, 201, "integration failed: {a}");
    let ing = (a["id"].as_str().unwrap().to_owned(), a["secret"].as_str().unwrap().to_owned());

    let arrivals: Arrivals = Arc::default();
    let url = runtime.block_on(receiver(arrivals.clone()));
    let (s, ch) = http_post(
        &server.addr,
        "/api/v1/notification-channels",
        &token,
        &json!({"name": "bench hook", "kind": "webhook", "config": {"url": url}}),
    );
    assert_eq!(s, 201, "channel failed: {ch}");
    let rule = json!({"name": "bench alarm", "scope": {"device_kind": "meter"}, "severity": "major",
        "condition": {"point": "bench_alarm", "op": ">", "value": 0.5}, "channels": [ch["id"]]});
    let (s, r) = http_post(&server.addr, "/api/v1/alarm-rules", &token, &rule);
    assert_eq!(s, 201, "rule failed: {r}");
    println!("alarm bench: mgc serve (release) on PostgreSQL at {}", server.addr);

    // Background load: steady signed batches for the load devices.
    let stop = Arc::new(AtomicBool::new(false));
    let load_sent = Arc::new(AtomicU64::new(0));
    let loaders: Vec<_> = (0..load_threads)
        .map(|t| {
            let (addr, ing, stop, sent) = (server.addr.clone(), ing.clone(), stop.clone(), load_sent.clone());
            std::thread::spawn(move || {
                let every = Duration::from_secs_f64(1.0 / load_rps.max(1) as f64);
                let mut next = Instant::now();
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let ts = chrono::Utc::now().timestamp_millis();
                    let items: Vec<Value> = (0..load_points)
                        .map(|p| {
                            let dev = (t * 7919 + i + p) % load_devices + 1;
                            json!({"device": format!("load-dev-{dev}"), "ts": ts - (p as i64 % 1000), "values": {"pv_power_w": (i + p) as f64}})
                        })
                        .collect();
                    let (status, _) = signed_post(&addr, &ing, &Value::Array(items).to_string());
                    if status == 200 {
                        sent.fetch_add(1, Ordering::Relaxed);
                    }
                    i += load_points;
                    next += every;
                    if let Some(wait) = next.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(2));

    // Alarms: raise (value k) then clear (0) per device, paced at BENCH_ALARM_RPS requests/s.
    let mut acked: HashMap<u64, Instant> = HashMap::new();
    let every = Duration::from_secs_f64(1.0 / alarm_rps.max(1) as f64);
    let started = Instant::now();
    let mut next = Instant::now();
    for k in 1..=alarms * 2 {
        let device = (k - 1) / 2 % alarm_devices + 1;
        let raise = k % 2 == 1;
        let n = k.div_ceil(2);
        let value = if raise { n as f64 } else { 0.0 };
        let body = json!([{"device": format!("alarm-dev-{device}"), "ts": chrono::Utc::now().timestamp_millis(), "values": {"bench_alarm": value}}]);
        let (status, answer) = signed_post(&server.addr, &ing, &body.to_string());
        assert_eq!(status, 200, "alarm post failed: {answer}");
        if raise {
            acked.insert(n, Instant::now());
        }
        next += every;
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    let driving = started.elapsed();
    let deadline = Instant::now() + Duration::from_secs(60);
    while arrivals.lock().unwrap().len() < alarms as usize && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    stop.store(true, Ordering::Relaxed);
    loaders.into_iter().for_each(|l| l.join().unwrap());

    let got = arrivals.lock().unwrap().clone();
    let mut lat: Vec<f64> = acked
        .iter()
        .filter_map(|(k, ack)| got.get(k).map(|at| at.saturating_duration_since(*ack).as_secs_f64() * 1000.0))
        .collect();
    lat.sort_by(f64::total_cmp);
    assert!(!lat.is_empty(), "no notification arrived; server log:\n{}", server.log());
    let load = load_sent.load(Ordering::Relaxed);
    println!(
        "background ingest: {load} requests x {load_points} points in {:.1} s = {:.0} points/s",
        driving.as_secs_f64(),
        (load * load_points) as f64 / driving.as_secs_f64()
    );
    let (p50, p99) = (percentile(&lat, 0.5), percentile(&lat, 0.99));
    println!(
        "ingest ack -> webhook receipt over {} of {alarms} alarms: p50 {p50:.1} ms, p99 {p99:.1} ms, max {:.1} ms",
        lat.len(),
        lat[lat.len() - 1]
    );
    if lat.len() < alarms as usize {
        let log = server.log();
        let problems: Vec<&str> = log.lines().filter(|l| l.contains("WARN") || l.contains("ERROR")).collect();
        println!(
            "{} of {alarms} alarm notifications missing; server warnings ({}):",
            alarms as usize - lat.len(),
            problems.len()
        );
        problems.iter().rev().take(10).for_each(|l| println!("  {l}"));
    }
    println!("goal p99 <= 250 ms: {}", if p99 <= 250.0 && lat.len() == alarms as usize { "met" } else { "NOT met" });
    drop(server);
}
