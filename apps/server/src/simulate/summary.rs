//! Counting the answers of a simulation run and printing the summary.

use super::Shape;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

/// What the workers saw.
#[derive(Default)]
pub(super) struct Tally {
    pub(super) latencies_us: Vec<u64>,
    pub(super) by_status: BTreeMap<u16, u64>,
    pub(super) transport: BTreeMap<&'static str, u64>,
    pub(super) examples: BTreeMap<String, String>,
    pub(super) points_ok: u64,
    pub(super) points_sent: u64,
    pub(super) accepted: u64,
    pub(super) new: u64,
    pub(super) duplicate: u64,
    pub(super) quarantined: u64,
}

impl Tally {
    pub(super) fn merge(&mut self, other: Tally) {
        self.latencies_us.extend(other.latencies_us);
        for (k, v) in other.by_status {
            *self.by_status.entry(k).or_default() += v;
        }
        for (k, v) in other.transport {
            *self.transport.entry(k).or_default() += v;
        }
        for (k, v) in other.examples {
            self.examples.entry(k).or_insert(v);
        }
        self.points_ok += other.points_ok;
        self.points_sent += other.points_sent;
        self.accepted += other.accepted;
        self.new += other.new;
        self.duplicate += other.duplicate;
        self.quarantined += other.quarantined;
    }

    pub(super) fn count_answer(&mut self, status: u16, body: &[u8], points: u64) {
        *self.by_status.entry(status).or_default() += 1;
        if (200..300).contains(&status) {
            self.points_ok += points;
            let answer: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            let n = |k: &str| answer.get(k).and_then(Value::as_u64).unwrap_or(0);
            self.accepted += n("accepted");
            self.new += n("new");
            self.duplicate += n("duplicate");
            self.quarantined += n("quarantined");
        } else {
            let text: String = String::from_utf8_lossy(body).chars().take(300).collect();
            self.examples.entry(status.to_string()).or_insert(text);
        }
    }
}

/// The summary printed at the end (also as JSON with `--json`).
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Body shape.
    pub shape: Shape,
    /// Requests sent.
    pub requests: u64,
    /// Requests answered 2xx.
    pub ok: u64,
    /// Requests answered otherwise or not at all.
    pub failed: u64,
    /// Answers by HTTP status.
    pub by_status: BTreeMap<u16, u64>,
    /// Requests without an answer, by reason (connect, timeout, other).
    pub transport_errors: BTreeMap<&'static str, u64>,
    /// The first answer body per failing status or transport error.
    pub examples: BTreeMap<String, String>,
    /// Points in all requests sent.
    pub points_sent: u64,
    /// Points in requests answered 2xx.
    pub points_ok: u64,
    /// Server's counts over the 2xx answers.
    pub accepted: u64,
    /// Of those, new points.
    pub new: u64,
    /// Of those, points already stored.
    pub duplicate: u64,
    /// Points of unknown devices put in quarantine.
    pub quarantined: u64,
    /// Wall time of the run, seconds.
    pub elapsed_s: f64,
    /// 2xx requests per second.
    pub requests_per_s: f64,
    /// Points of 2xx requests per second.
    pub points_per_s: f64,
    /// Median latency of answered requests, ms.
    pub p50_ms: f64,
    /// 99th percentile latency, ms.
    pub p99_ms: f64,
    /// Slowest request, ms.
    pub max_ms: f64,
}

fn percentile_ms(sorted_us: &[u64], q: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted_us.len() as f64).ceil() as usize).clamp(1, sorted_us.len());
    sorted_us[rank - 1] as f64 / 1000.0
}

impl Summary {
    pub(super) fn new(shape: Shape, mut t: Tally, elapsed: Duration) -> Self {
        t.latencies_us.sort_unstable();
        let ok = t.by_status.iter().filter(|(s, _)| (200..300).contains(*s)).map(|(_, n)| n).sum::<u64>();
        let answered = t.by_status.values().sum::<u64>();
        let unanswered = t.transport.values().sum::<u64>();
        let secs = elapsed.as_secs_f64().max(1e-9);
        Self {
            shape,
            requests: answered + unanswered,
            ok,
            failed: answered + unanswered - ok,
            p50_ms: percentile_ms(&t.latencies_us, 0.50),
            p99_ms: percentile_ms(&t.latencies_us, 0.99),
            max_ms: percentile_ms(&t.latencies_us, 1.0),
            by_status: t.by_status,
            transport_errors: t.transport,
            examples: t.examples,
            points_sent: t.points_sent,
            points_ok: t.points_ok,
            accepted: t.accepted,
            new: t.new,
            duplicate: t.duplicate,
            quarantined: t.quarantined,
            elapsed_s: elapsed.as_secs_f64(),
            requests_per_s: ok as f64 / secs,
            points_per_s: t.points_ok as f64 / secs,
        }
    }

    pub(super) fn print_text(&self) {
        let statuses: Vec<String> = self.by_status.iter().map(|(s, n)| format!("{s} x {n}")).collect();
        let transport: Vec<String> = self.transport_errors.iter().map(|(s, n)| format!("{s} x {n}")).collect();
        println!(
            "requests:    {} sent in {:.2} s, {} ok, {} failed",
            self.requests, self.elapsed_s, self.ok, self.failed
        );
        println!("  by status: {}", if statuses.is_empty() { "-".to_owned() } else { statuses.join(", ") });
        if !transport.is_empty() {
            println!("  no answer: {}", transport.join(", "));
        }
        for (what, body) in &self.examples {
            println!("  e.g. {what}: {body}");
        }
        println!(
            "points:      {} sent, {} in ok requests (server: {} accepted, {} new, {} duplicate, {} quarantined)",
            self.points_sent, self.points_ok, self.accepted, self.new, self.duplicate, self.quarantined
        );
        println!("throughput:  {:.1} requests/s, {:.1} points/s", self.requests_per_s, self.points_per_s);
        println!("latency:     p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms", self.p50_ms, self.p99_ms, self.max_ms);
    }
}
