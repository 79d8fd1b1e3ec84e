//! `mgc simulate thingsboard` (and `mgc simulate ocpp`, see [`ocpp`]): realistic, signed ThingsBoard rule-chain traffic against
//! `POST /ingest/thingsboard/telemetry`, for smoke tests, demos and load measurements.
//!
//! Devices are named `<prefix><n>` (n = 1..=devices). Every device has its own clock: each
//! sample gets `max(now, previous + 1 ms)`, so timestamps are near real time and never repeat
//! within a run, and the stored points are new rather than duplicates. Values are functions of
//! the device and the timestamp plus a little noise: a sine of active power, a monotonically
//! increasing energy meter, a slowly cycling state of charge, grid voltage and frequency,
//! temperature, reactive power and current.

mod ap3000;
mod ocpp;
mod summary;
mod traffic;

use clap::{Args, Subcommand, ValueEnum};
use mgc_kernel::IntegrationId;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use summary::{Summary, Tally};
use traffic::{Fleet, Generator};

/// Path of the ingest endpoint.
const INGEST_PATH: &str = "/ingest/thingsboard/telemetry";
/// What to simulate.
#[derive(Debug, Subcommand)]
pub enum SimulateTarget {
    /// Post signed ThingsBoard telemetry (REST API Call rule node) to /ingest/thingsboard/telemetry.
    Thingsboard(ThingsboardArgs),
    /// Run OCPP 1.6J charge points (boot, heartbeats, sessions with meter values) against /ocpp/1.6.
    Ocpp(ocpp::OcppArgs),
    /// Run AP3000 piles over raw TCP (register, heartbeats, card swipes, sessions with power
    /// heartbeats, settlements) against `[ap3000] listen`.
    Ap3000(ap3000::Ap3000Args),
}

/// Options of `mgc simulate thingsboard`.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Simulation")]
pub struct ThingsboardArgs {
    /// Base URL of the mgc server (plain http: this build has no TLS client).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// Integration id, sent as X-Integration-Id (from POST /api/v1/integrations).
    #[arg(long)]
    pub integration: String,
    /// Integration secret; every request is signed with it (X-Timestamp, X-Signature: sha256=HMAC).
    #[arg(long, env = "MGC_SIM_SECRET", hide_env_values = true)]
    pub secret: String,
    /// Number of simulated devices, named <device-prefix><n> for n = 1..=devices.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub devices: u32,
    /// Requests per second in total over all clients; 0 = as fast as possible.
    #[arg(long, default_value_t = 10.0, value_parser = parse_rate)]
    pub rate: f64,
    /// How long to send, e.g. 500ms, 10s, 2m, 1h (a bare number is seconds) [default: 10s].
    #[arg(long, value_parser = parse_duration, conflicts_with = "requests")]
    pub duration: Option<Duration>,
    /// Send exactly this many requests instead of running for --duration.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub requests: Option<u64>,
    /// Body shape, as a ThingsBoard rule chain sends it.
    #[arg(long, value_enum, default_value_t = Shape::Flat)]
    pub shape: Shape,
    /// Points (key/value pairs) per request. Flat bodies carry them all at one timestamp (keys
    /// past the 8 semantic ones are aux_<n>); the other shapes carry samples of up to 8 keys.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub points_per_request: u32,
    /// Requests in flight at once (each client keeps its connection alive).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub concurrency: u32,
    /// Device name prefix.
    #[arg(long, default_value = "sim-")]
    pub device_prefix: String,
    /// Timeout of one request, e.g. 30s.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Print the summary as one JSON object on stdout (for scripts and benchmarks).
    #[arg(long)]
    pub json: bool,
}

/// Body shapes a ThingsBoard rule chain may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// `{"key": value, ...}` at one timestamp, device and time in X-Device-Name and X-Ts headers.
    Flat,
    /// `[{"ts": ms, "values": {...}}, ...]` of one device named by X-Device-Name.
    Timestamped,
    /// The deduplication node's `[{"msg": {...}, "metadata": {"deviceName", "deviceType", "ts"}}, ...]`.
    Dedup,
    /// `[{"device": name, "ts": ms, "values": {...}}, ...]`.
    Canonical,
}

impl Shape {
    fn name(self) -> &'static str {
        match self {
            Shape::Flat => "flat",
            Shape::Timestamped => "timestamped",
            Shape::Dedup => "dedup",
            Shape::Canonical => "canonical",
        }
    }
}

fn parse_rate(raw: &str) -> Result<f64, String> {
    match raw.trim().parse::<f64>() {
        Ok(r) if r.is_finite() && r >= 0.0 => Ok(r),
        _ => Err(format!("'{raw}' is not a rate: give requests per second (0 = as fast as possible)")),
    }
}

/// Parses `500ms`, `10s`, `2m`, `1h` or a bare number of seconds.
pub fn parse_duration(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let split = raw.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(raw.len());
    let (number, unit) = raw.split_at(split);
    let n: f64 = number.parse().map_err(|_| format!("'{raw}' is not a duration like 500ms, 10s, 2m or 1h"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "" | "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("'{raw}': unit must be ms, s, m or h")),
    };
    if !(secs > 0.0 && secs <= 366.0 * 86_400.0) {
        return Err(format!("'{raw}' must be longer than 0 and at most 366 days"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Shared state of the workers.
struct Run {
    client: reqwest::Client,
    endpoint: reqwest::Url,
    integration: String,
    secret: Vec<u8>,
    generator: Generator,
    next: AtomicU64,
    limit: Option<u64>,
    deadline: Option<Instant>,
    rate: f64,
    started: Instant,
    stop: AtomicBool,
}

impl Run {
    /// The send time of request `r`, or None when the run is over.
    fn slot(&self, r: u64) -> Option<Option<Instant>> {
        if self.stop.load(Ordering::Relaxed) || self.limit.is_some_and(|n| r >= n) {
            return None;
        }
        let at = (self.rate > 0.0).then(|| self.started + Duration::from_secs_f64(r as f64 / self.rate));
        let due = at.unwrap_or_else(Instant::now);
        if self.deadline.is_some_and(|d| due >= d) {
            return None;
        }
        Some(at)
    }

    async fn worker(self: Arc<Self>, seed: u64) -> Tally {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut tally = Tally::default();
        loop {
            let r = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(at) = self.slot(r) else { break };
            if let Some(at) = at {
                tokio::time::sleep_until(at.into()).await;
            }
            let req = self.generator.request(r, &mut rng);
            let timestamp = chrono::Utc::now().timestamp().to_string();
            let headers: Vec<(&str, &str)> = req.headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let signature = mgc_iam::sign_post(&self.secret, self.endpoint.path(), &timestamp, &headers, &req.body);
            let mut builder = self
                .client
                .post(self.endpoint.clone())
                .header("content-type", "application/json")
                .header("x-integration-id", &self.integration)
                .header("x-timestamp", timestamp)
                .header("x-signature", signature);
            for (name, value) in &req.headers {
                builder = builder.header(*name, value);
            }
            tally.points_sent += req.points;
            let sent = Instant::now();
            let answer = match builder.body(req.body).send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    response.bytes().await.map(|body| (status, body))
                }
                Err(e) => Err(e),
            };
            match answer {
                Ok((status, body)) => {
                    tally.latencies_us.push(u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX));
                    tally.count_answer(status, &body, req.points);
                }
                Err(e) => {
                    let kind = if e.is_connect() {
                        // The server went away: stop everyone rather than spin on refusals.
                        self.stop.store(true, Ordering::Relaxed);
                        "connect"
                    } else if e.is_timeout() {
                        "timeout"
                    } else {
                        "other"
                    };
                    *tally.transport.entry(kind).or_default() += 1;
                    tally.examples.entry(kind.to_owned()).or_insert_with(|| error_chain(&e));
                }
            }
        }
        tally
    }
}

/// An error with its sources, e.g. "error sending request: ... : Connection refused (os error 111)".
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn client(args: &ThingsboardArgs) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(args.timeout)
        .connect_timeout(Duration::from_secs(5))
        .pool_max_idle_per_host(args.concurrency as usize)
        .tcp_nodelay(true)
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// Checks the server answers at all before the run (a clear message on connection refused).
async fn preflight(client: &reqwest::Client, base: &reqwest::Url) -> Result<(), String> {
    let health = base.join("healthz").map_err(|e| format!("--url: {e}"))?;
    match client.get(health.clone()).timeout(Duration::from_secs(5)).send().await {
        Ok(r) if r.status().is_success() => Ok(()),
        Ok(r) => {
            eprintln!("mgc simulate: warning: {health} answered {}; sending anyway", r.status());
            Ok(())
        }
        Err(e) if e.is_connect() => Err(format!(
            "cannot connect to {base}: connection refused or unreachable ({}). Is `mgc serve` running there?",
            error_chain(&e)
        )),
        Err(e) => Err(format!("{health} did not answer: {}", error_chain(&e))),
    }
}

/// Runs `mgc simulate ...`.
pub async fn run(target: SimulateTarget) -> Result<(), String> {
    match target {
        SimulateTarget::Thingsboard(args) => thingsboard(args).await,
        SimulateTarget::Ocpp(args) => ocpp::run(args).await,
        SimulateTarget::Ap3000(args) => ap3000::run(args).await,
    }
}

async fn thingsboard(args: ThingsboardArgs) -> Result<(), String> {
    let mut base = reqwest::Url::parse(&args.url).map_err(|e| format!("--url: '{}' is not a URL: {e}", args.url))?;
    if base.scheme() != "http" {
        return Err(format!("--url: only http:// is supported (this build has no TLS client), got '{}'", args.url));
    }
    if !base.path().ends_with('/') {
        base.set_path(&format!("{}/", base.path()));
    }
    let integration: IntegrationId = args
        .integration
        .trim()
        .parse()
        .map_err(|e| format!("--integration: {e} (expected the id of an integration)"))?;
    if args.secret.is_empty() {
        return Err("--secret: must not be empty".into());
    }
    let endpoint = base.join(INGEST_PATH.trim_start_matches('/')).map_err(|e| format!("--url: {e}"))?;
    let client = client(&args)?;
    preflight(&client, &base).await?;

    let limit = args.requests;
    let duration = if limit.is_some() { None } else { Some(args.duration.unwrap_or(Duration::from_secs(10))) };
    eprintln!(
        "mgc simulate: {} telemetry of {} devices ({}1..{}{}), {} points/request, to {endpoint}; {}, {}, {} clients",
        args.shape.name(),
        args.devices,
        args.device_prefix,
        args.device_prefix,
        args.devices,
        args.points_per_request,
        match (limit, duration) {
            (Some(n), _) => format!("{n} requests"),
            (None, Some(d)) => format!("for {:.1} s", d.as_secs_f64()),
            (None, None) => String::new(),
        },
        if args.rate > 0.0 { format!("{} requests/s", args.rate) } else { "as fast as possible".to_owned() },
        args.concurrency,
    );
    let started = Instant::now();
    let run = Arc::new(Run {
        client,
        endpoint,
        integration: integration.to_string(),
        secret: args.secret.clone().into_bytes(),
        generator: Generator {
            fleet: Fleet::new(&args.device_prefix, args.devices),
            shape: args.shape,
            points: args.points_per_request as usize,
        },
        next: AtomicU64::new(0),
        limit,
        deadline: duration.map(|d| started + d),
        rate: args.rate,
        started,
        stop: AtomicBool::new(false),
    });
    let seed: u64 = rand::thread_rng().gen();
    let workers: Vec<_> =
        (0..u64::from(args.concurrency)).map(|i| tokio::spawn(run.clone().worker(seed.wrapping_add(i)))).collect();
    let interrupt = {
        let run = run.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("mgc simulate: interrupted; finishing requests in flight");
                run.stop.store(true, Ordering::Relaxed);
            }
        })
    };
    let mut tally = Tally::default();
    for w in workers {
        match w.await {
            Ok(t) => tally.merge(t),
            Err(e) => return Err(format!("a simulator task failed: {e}")),
        }
    }
    interrupt.abort();
    let summary = Summary::new(args.shape, tally, started.elapsed());
    if args.json {
        println!("{}", serde_json::to_string(&summary).map_err(|e| e.to_string())?);
    } else {
        summary.print_text();
    }
    if summary.transport_errors.contains_key("connect") {
        return Err(format!(
            "lost the connection to {base} (connection refused or reset) after {} ok requests; stopped",
            summary.ok
        ));
    }
    if summary.failed > 0 {
        return Err(format!("{} of {} requests failed", summary.failed, summary.requests));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("7").unwrap(), Duration::from_secs(7));
        for bad in ["", "0", "s", "5y", "-1s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
