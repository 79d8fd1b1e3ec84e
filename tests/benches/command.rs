//! `just bench-command`: commands through the release `mgc serve` on PostgreSQL to a fake
//! ThingsBoard that answers each two-way RPC at once with `{"ok": true}`.
//!
//! (a) latency: BENCH_LATENCY_COMMANDS (default 500) commands, one after another, round-robin
//!     over 50 devices; each is polled with `GET /api/v1/commands/{id}` (every ms) until it reads
//!     `succeeded`. Prints the POST's own time, 201 -> RPC arrival at the fake (the fake's receive
//!     timestamp) and 201 -> `succeeded` read back, each p50/p95/p99/max.
//! (b) throughput: BENCH_COMMANDS (default 2000) commands over 200 devices issued by BENCH_CLIENTS
//!     (default 4) concurrent clients as fast as they can; time until every one is `succeeded`
//!     (counted in the database). Baseline in the same run: the same number of RPC POSTs sent
//!     straight to the fake at the same concurrency; prints mgc / direct.
//! (c) per-device lock: BENCH_LOCK_COMMANDS (default 200) commands to ONE device from the same
//!     clients, the fake holding each answer BENCH_LOCK_REPLY_MS (default 2) ms; asserts the fake
//!     never had two RPCs to that device in flight at once, prints the throughput.
//!
//! Needs `cargo build --release -p mgc-server` first and PostgreSQL (throwaway cluster binaries or
//! `MGC_TEST_POSTGRES_URL`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/server.rs"]
mod bench_server;

use bench_server::{admin_token, env_or, http_post, mgc_binary, Server};
use mgc_tests::fake_thingsboard::{FakeThingsBoard, Recorded, PASSWORD, USERNAME};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The ThingsBoard UUID of bench device `n`.
fn tb_id(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// Provisions a station with `count` batteries (ThingsBoard ids from `first`); their device ids.
fn provision(server: &Server, token: &str, code: &str, first: u64, count: u64) -> Vec<(String, String)> {
    let specs: Vec<Value> = (first..first + count)
        .map(|n| json!({"name": format!("{code}-{n}"), "kind": "battery", "tb_device_id": tb_id(n)}))
        .collect();
    let body = json!({"code": code, "name": code, "time_zone": "UTC", "devices": specs});
    let (s, a) = http_post(&server.addr, "/api/v1/provisioning/stations", token, &body);
    assert_eq!(s, 200, "provisioning failed: {a}");
    let ids: HashMap<&str, &str> = a["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["name"].as_str().unwrap(), d["id"].as_str().unwrap()))
        .collect();
    (first..first + count).map(|n| (ids[format!("{code}-{n}").as_str()].to_owned(), tb_id(n))).collect()
}

/// An HTTP client of `mgc serve` (keep-alive) with the admin token.
#[derive(Clone)]
struct Api {
    http: reqwest::Client,
    base: String,
    bearer: String,
}

impl Api {
    /// Issues `method` with `{"seq": seq}` to `device`; the command id once the 201 is read.
    async fn issue(&self, device: &str, method: &str, seq: u64) -> String {
        let body = json!({"device_id": device, "method": method, "params": {"seq": seq}, "timeout_s": 300});
        let resp = self
            .http
            .post(format!("{}/api/v1/commands", self.base))
            .header("Authorization", &self.bearer)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let answer: Value = resp.json().await.unwrap_or_default();
        assert_eq!(status, 201, "issue failed: {answer}");
        answer["id"].as_str().unwrap().to_owned()
    }

    /// The command's state.
    async fn state(&self, id: &str) -> String {
        let resp = self
            .http
            .get(format!("{}/api/v1/commands/{id}", self.base))
            .header("Authorization", &self.bearer)
            .send()
            .await
            .unwrap();
        let answer: Value = resp.json().await.unwrap();
        answer["state"].as_str().unwrap_or_default().to_owned()
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// `p50 x ms, p95 x ms, p99 x ms, max x ms` of durations in ms.
fn spread(mut values: Vec<f64>) -> String {
    values.sort_by(f64::total_cmp);
    let p = |q| percentile(&values, q);
    format!(
        "p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        p(0.5),
        p(0.95),
        p(0.99),
        values[values.len() - 1]
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// RPCs the fake received for `method`, by their `seq` parameter.
fn rpcs_of(fake: &FakeThingsBoard, method: &str) -> HashMap<u64, Recorded> {
    fake.requests_to("/api/rpc/")
        .into_iter()
        .filter(|r| r.body["method"] == method)
        .filter_map(|r| r.body["params"]["seq"].as_u64().map(|k| (k, r)))
        .collect()
}

/// (a): sequential commands, each watched until it reads `succeeded`.
async fn latency(api: &Api, fake: &FakeThingsBoard, devices: &[(String, String)], count: u64) {
    let (mut post, mut acked) = (Vec::new(), HashMap::new());
    let mut done = Vec::new();
    for k in 0..count {
        let sent = Instant::now();
        let id = api.issue(&devices[k as usize % devices.len()].0, "latencyProbe", k).await;
        let at_201 = Instant::now();
        post.push(ms(at_201 - sent));
        acked.insert(k, at_201);
        loop {
            match api.state(&id).await.as_str() {
                "succeeded" => break,
                "pending" | "sent" | "delivered" => tokio::time::sleep(Duration::from_millis(1)).await,
                other => panic!("latency command {k} ended {other}"),
            }
            assert!(at_201.elapsed() < Duration::from_secs(60), "command {k} not succeeded after 60 s");
        }
        done.push(ms(at_201.elapsed()));
    }
    let arrivals = rpcs_of(fake, "latencyProbe");
    let arrived: Vec<f64> = acked
        .iter()
        .filter_map(|(k, at)| arrivals.get(k).map(|r| ms(r.received_at.saturating_duration_since(*at))))
        .collect();
    let early = acked.iter().filter(|(k, at)| arrivals.get(k).is_some_and(|r| r.received_at < **at)).count();
    println!("(a) latency over {count} sequential commands to {} devices:", devices.len());
    println!("    POST /api/v1/commands -> 201:          {}", spread(post));
    println!(
        "    201 -> RPC arrives at fake ThingsBoard: {} ({early} arrived before the 201 was read)",
        spread(arrived)
    );
    println!("    201 -> GET reads succeeded:             {}", spread(done));
}

/// Runs `count` jobs `job(k)` on `clients` concurrent tasks; the wall time.
async fn fan_out<F, Fut>(count: u64, clients: u64, job: F) -> Duration
where
    F: Fn(u64) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (next, job) = (next.clone(), job.clone());
            tokio::spawn(async move {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= count {
                        break;
                    }
                    job(k).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    started.elapsed()
}

/// Issues `count` commands of `method` round-robin over `devices` from `clients` tasks; returns
/// the time to issue them all and the time until all read `succeeded` in the database.
async fn issue_all(
    api: &Api,
    pool: &sqlx::PgPool,
    devices: &[(String, String)],
    method: &'static str,
    count: u64,
    clients: u64,
) -> (Duration, Duration) {
    let started = Instant::now();
    let (api2, ids) = (api.clone(), Arc::new(devices.iter().map(|d| d.0.clone()).collect::<Vec<_>>()));
    let issuing = fan_out(count, clients, move |k| {
        let (api, ids) = (api2.clone(), ids.clone());
        async move {
            api.issue(&ids[k as usize % ids.len()], method, k).await;
        }
    })
    .await;
    let sql = "SELECT count(*) FILTER (WHERE state = 'succeeded'), count(*) FILTER (WHERE state NOT IN \
               ('pending', 'sent', 'delivered', 'succeeded')) FROM commands WHERE method = $1";
    loop {
        let (ok, bad): (i64, i64) = sqlx::query_as(sql).bind(method).fetch_one(pool).await.unwrap();
        assert_eq!(bad, 0, "{bad} {method} commands did not succeed");
        if ok as u64 >= count {
            return (issuing, started.elapsed());
        }
        assert!(started.elapsed() < Duration::from_secs(600), "{method}: only {ok} of {count} succeeded after 600 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The same number of two-way RPC POSTs sent straight to the fake at the same concurrency.
async fn direct(fake: &FakeThingsBoard, devices: &[(String, String)], count: u64, clients: u64) -> Duration {
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{}/api/auth/login", fake.url))
        .json(&json!({"username": USERNAME, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let auth = Arc::new(format!("Bearer {}", login["token"].as_str().unwrap()));
    let (url, tb) = (fake.url.clone(), Arc::new(devices.iter().map(|d| d.1.clone()).collect::<Vec<_>>()));
    fan_out(count, clients, move |k| {
        let (http, auth, url, tb) = (http.clone(), auth.clone(), url.clone(), tb.clone());
        async move {
            let body = json!({"method": "directProbe", "params": {"seq": k}, "timeout": 5000});
            let resp = http
                .post(format!("{url}/api/rpc/twoway/{}", tb[k as usize % tb.len()]))
                .header("X-Authorization", auth.as_str())
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status().as_u16(), 200);
            let _ = resp.bytes().await.unwrap();
        }
    })
    .await
}

/// Pairs of RPCs to the same device whose time at the fake overlapped (printed), and the gaps
/// from each answer to the next RPC.
fn overlaps(mut rpcs: Vec<Recorded>) -> (usize, Vec<f64>) {
    rpcs.sort_by_key(|r| r.received_at);
    let gaps = rpcs.windows(2).map(|w| ms(w[1].received_at.saturating_duration_since(w[0].answered_at))).collect();
    let pairs: Vec<_> = rpcs.windows(2).filter(|w| w[1].received_at < w[0].answered_at).collect();
    for w in &pairs {
        println!(
            "    overlap: seq {} answered {:.3} ms after seq {} arrived",
            w[0].body["params"]["seq"],
            ms(w[0].answered_at - w[1].received_at),
            w[1].body["params"]["seq"]
        );
    }
    (pairs.len(), gaps)
}

fn main() {
    let latency_commands = env_or("BENCH_LATENCY_COMMANDS", 500);
    let commands = env_or("BENCH_COMMANDS", 2000);
    let clients = env_or("BENCH_CLIENTS", 4);
    let lock_commands = env_or("BENCH_LOCK_COMMANDS", 200);
    let lock_reply = Duration::from_millis(env_or("BENCH_LOCK_REPLY_MS", 2));

    let bin = mgc_binary();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let db = runtime
        .block_on(mgc_tests::postgres_database())
        .expect("the command bench needs PostgreSQL: install its binaries or set MGC_TEST_POSTGRES_URL");
    let fake = runtime.block_on(FakeThingsBoard::start(chrono::Utc::now().timestamp() + 86_400));
    let server = Server::start(
        &bin,
        &db.url,
        &[
            ("MGC_THINGSBOARD__URL", fake.url.as_str()),
            ("MGC_THINGSBOARD__USERNAME", USERNAME),
            ("MGC_THINGSBOARD__PASSWORD", PASSWORD),
        ],
    );
    let token = admin_token(&bin, &server);
    let few = provision(&server, &token, "bench-lat", 1, 50);
    let many = provision(&server, &token, "bench-thr", 1001, 200);
    let one = provision(&server, &token, "bench-lock", 5001, 1);
    let api = Api {
        http: reqwest::Client::new(),
        base: format!("http://{}", server.addr),
        bearer: format!("Bearer {token}"),
    };
    println!("command bench: mgc serve (release) on PostgreSQL at {}, fake ThingsBoard at {}", server.addr, fake.url);

    runtime.block_on(async {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        latency(&api, &fake, &few, latency_commands).await;

        let (issuing, all) = issue_all(&api, &pool, &many, "throughputProbe", commands, clients).await;
        let mgc_rate = commands as f64 / all.as_secs_f64();
        let base = direct(&fake, &many, commands, clients).await;
        let direct_rate = commands as f64 / base.as_secs_f64();
        println!(
            "(b) throughput  {commands} commands to {} devices, {clients} clients: issued in {:.2} s ({:.0}/s), \
             all succeeded after {:.2} s = {mgc_rate:.0} commands/s",
            many.len(),
            issuing.as_secs_f64(),
            commands as f64 / issuing.as_secs_f64(),
            all.as_secs_f64()
        );
        println!(
            "    baseline    {commands} two-way RPC POSTs straight to the fake, {clients} clients: {direct_rate:.0} RPCs/s; \
             mgc / direct = {:.3}",
            mgc_rate / direct_rate
        );

        fake.set_reply_delay(lock_reply);
        let (issuing, all) = issue_all(&api, &pool, &one, "lockProbe", lock_commands, clients).await;
        fake.set_reply_delay(Duration::ZERO);
        let rpcs: Vec<Recorded> =
            fake.requests_to("/api/rpc/").into_iter().filter(|r| r.body["method"] == "lockProbe").collect();
        assert_eq!(rpcs.len() as u64, lock_commands, "the fake saw {} lock RPCs", rpcs.len());
        let (overlapping, gaps) = overlaps(rpcs);
        println!(
            "(c) lock        {lock_commands} commands to ONE device ({} ms reply), {clients} clients: issued in {:.2} s, \
             all succeeded after {:.2} s = {:.0} commands/s; overlapping RPCs at the fake: {overlapping}",
            lock_reply.as_millis(),
            issuing.as_secs_f64(),
            all.as_secs_f64(),
            lock_commands as f64 / all.as_secs_f64()
        );
        println!("    answer -> next RPC to the device: {}", spread(gaps));
        assert_eq!(overlapping, 0, "the per-device lock let RPCs to one device overlap");
    });
    drop(server);
}
