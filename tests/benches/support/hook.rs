//! The bench's webhook receiver: records every subscription notice it is sent (arrival time, the
//! notice id, the source event's id and time, whether the signature verifies), and the figures
//! drawn from those records.

#![allow(dead_code)]

use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One notice as it arrived.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// The notice id (`id`; the same on a retry).
    pub id: String,
    /// Public event type (`event`).
    pub event: String,
    /// The integration event it tells of (`data.source_event_id`).
    pub source: String,
    /// When the event happened on the server (`data.occurred_at`).
    pub occurred_at: Option<DateTime<Utc>>,
    /// When the receiver got it.
    pub arrived: DateTime<Utc>,
    /// The HMAC signature verified with the subscription's secret.
    pub signed: bool,
}

impl Arrival {
    /// Arrival minus occurrence, milliseconds (None without an occurrence time).
    pub fn latency_ms(&self) -> Option<f64> {
        let at = self.occurred_at?;
        Some((self.arrived - at).num_microseconds().unwrap_or(i64::MAX) as f64 / 1000.0)
    }
}

/// Everything a receiver got, in arrival order.
pub type Arrivals = Arc<Mutex<Vec<Arrival>>>;

#[derive(Clone)]
struct Hook {
    secret: String,
    arrivals: Arrivals,
}

async fn receive(
    axum::extract::State(hook): axum::extract::State<Hook>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> &'static str {
    let arrived = Utc::now();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let signed = mgc_notify::verify_webhook_signature(
        &hook.secret,
        &header("x-mgc-timestamp"),
        &body,
        &header("x-mgc-signature"),
    );
    let v: Value = serde_json::from_slice(&body).unwrap_or_default();
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let occurred_at = v["data"]["occurred_at"].as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok());
    let arrival = Arrival {
        id: text(&v["id"]),
        event: text(&v["event"]),
        source: text(&v["data"]["source_event_id"]),
        occurred_at: occurred_at.map(|t| t.with_timezone(&Utc)),
        arrived,
        signed,
    };
    hook.arrivals.lock().expect("arrivals lock").push(arrival);
    "ok"
}

/// Starts a receiver on a free local port; returns its URL and what it records.
pub async fn start(secret: &str) -> (String, Arrivals) {
    let arrivals = Arrivals::default();
    let hook = Hook { secret: secret.to_owned(), arrivals: arrivals.clone() };
    let app = axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(hook);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the receiver");
    let url = format!("http://{}/hook", listener.local_addr().expect("receiver address"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("receiver") });
    (url, arrivals)
}

/// Nearest-rank percentile `p` (0..=100) of sorted `v`.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// One row of the latency table: count, p50, p95, p99, max (ms).
pub fn latency_row(label: &str, mut ms: Vec<f64>) -> String {
    ms.sort_by(f64::total_cmp);
    let (p50, p95, p99) = (percentile(&ms, 50.0), percentile(&ms, 95.0), percentile(&ms, 99.0));
    let max = ms.last().copied().unwrap_or(f64::NAN);
    format!("  {label:<28} {:>8} {p50:>10.1} {p95:>10.1} {p99:>10.1} {max:>10.1}", ms.len())
}

/// Header of [`latency_row`] tables.
pub fn latency_header() -> String {
    format!("  {:<28} {:>8} {:>10} {:>10} {:>10} {:>10}", "notices (ms)", "count", "p50", "p95", "p99", "max")
}

/// Loss and duplicate accounting of arrivals against the source events expected.
#[derive(Debug, Default)]
pub struct Accounting {
    /// Source events expected (from the outbox).
    pub expected: usize,
    /// Expected source events that arrived at least once.
    pub received: usize,
    /// Expected source events that never arrived.
    pub lost: usize,
    /// Notices that arrived more than once (same notice id: redeliveries).
    pub duplicate_notices: usize,
    /// Source events told by more than one notice id.
    pub duplicate_events: usize,
    /// Arrivals whose source event is not among those expected.
    pub unexpected: usize,
    /// Arrivals whose signature did not verify.
    pub unsigned: usize,
}

/// Counts `arrivals` (already limited to the phase measured) against the `expected` event ids.
pub fn account(expected: &[String], arrivals: &[Arrival]) -> Accounting {
    let mut by_notice: HashMap<&str, usize> = HashMap::new();
    let mut notices_of_event: HashMap<&str, Vec<&str>> = HashMap::new();
    for a in arrivals {
        *by_notice.entry(&a.id).or_default() += 1;
        let ids = notices_of_event.entry(&a.source).or_default();
        if !ids.contains(&a.id.as_str()) {
            ids.push(&a.id);
        }
    }
    let received = expected.iter().filter(|e| notices_of_event.contains_key(e.as_str())).count();
    let wanted: std::collections::HashSet<&str> = expected.iter().map(String::as_str).collect();
    Accounting {
        expected: expected.len(),
        received,
        lost: expected.len() - received,
        duplicate_notices: by_notice.values().filter(|n| **n > 1).count(),
        duplicate_events: notices_of_event.values().filter(|ids| ids.len() > 1).count(),
        unexpected: arrivals.iter().filter(|a| !wanted.contains(a.source.as_str())).count(),
        unsigned: arrivals.iter().filter(|a| !a.signed).count(),
    }
}
