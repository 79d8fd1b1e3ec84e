//! Counters shared by the charge point tasks, and the summary printed at the end.

use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Live counters (updated by every charge point task).
#[derive(Debug, Default)]
pub(super) struct Counters {
    pub(super) connected_now: AtomicU64,
    pub(super) connected_peak: AtomicU64,
    pub(super) connected_at_end: AtomicU64,
    pub(super) connects: AtomicU64,
    pub(super) connect_failures: AtomicU64,
    pub(super) disconnects: AtomicU64,
    pub(super) boots_accepted: AtomicU64,
    pub(super) boots_not_accepted: AtomicU64,
    pub(super) calls: AtomicU64,
    pub(super) call_errors: AtomicU64,
    pub(super) timeouts: AtomicU64,
    pub(super) sessions_started: AtomicU64,
    pub(super) sessions_completed: AtomicU64,
    pub(super) sessions_refused: AtomicU64,
    pub(super) energy_wh: AtomicU64,
    pub(super) csms_calls: AtomicU64,
}

/// Adds one to a counter.
pub(super) fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Counters {
    /// A connection came up.
    pub(super) fn up(&self) {
        bump(&self.connects);
        let now = self.connected_now.fetch_add(1, Ordering::Relaxed) + 1;
        self.connected_peak.fetch_max(now, Ordering::Relaxed);
    }

    /// Notes how many are connected as the run ends.
    pub(super) fn mark_end(&self) {
        self.connected_at_end.store(Self::get(&self.connected_now), Ordering::Relaxed);
    }

    /// A connection went down.
    pub(super) fn down(&self) {
        self.connected_now.fetch_sub(1, Ordering::Relaxed);
    }

    fn get(c: &AtomicU64) -> u64 {
        c.load(Ordering::Relaxed)
    }

    /// One progress line for stderr.
    pub(super) fn progress(&self, total: usize) -> String {
        format!(
            "connected {}/{total}, sessions {} started, {} completed, {} CALLERRORs",
            Self::get(&self.connected_now),
            Self::get(&self.sessions_started),
            Self::get(&self.sessions_completed),
            Self::get(&self.call_errors),
        )
    }
}

/// The summary printed at the end (also as JSON with `--json`).
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Simulated charge points.
    pub charge_points: usize,
    /// Charge points connected at the end (before they closed).
    pub connected_at_end: u64,
    /// Most charge points connected at once.
    pub connected_peak: u64,
    /// Successful WebSocket handshakes (reconnects included).
    pub connects: u64,
    /// Failed connection attempts (refused, HTTP error, timeout).
    pub connect_failures: u64,
    /// Connections lost before the end of the run.
    pub disconnects: u64,
    /// BootNotifications answered Accepted.
    pub boots_accepted: u64,
    /// BootNotifications answered Pending or Rejected.
    pub boots_not_accepted: u64,
    /// Calls answered (CALLRESULT or CALLERROR).
    pub calls: u64,
    /// CALLERRORs received.
    pub call_errors: u64,
    /// Calls without an answer in time.
    pub timeouts: u64,
    /// StartTransactions accepted.
    pub sessions_started: u64,
    /// StopTransactions answered for accepted sessions.
    pub sessions_completed: u64,
    /// Sessions refused by Authorize or StartTransaction.
    pub sessions_refused: u64,
    /// Energy of completed sessions, Wh.
    pub energy_wh: u64,
    /// Calls received from the central system.
    pub csms_calls: u64,
    /// Wall time, seconds.
    pub elapsed_s: f64,
    /// Completed sessions per second.
    pub sessions_per_s: f64,
    /// Answered calls per second.
    pub calls_per_s: f64,
    /// Median call latency, ms.
    pub p50_ms: f64,
    /// 99th percentile call latency, ms.
    pub p99_ms: f64,
    /// Slowest call, ms.
    pub max_ms: f64,
}

fn percentile_ms(sorted_us: &[u32], q: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted_us.len() as f64).ceil() as usize).clamp(1, sorted_us.len());
    f64::from(sorted_us[rank - 1]) / 1000.0
}

impl Summary {
    /// The summary of a run from its counters, the call latencies (µs) and its wall time.
    pub(super) fn new(charge_points: usize, c: &Counters, mut latencies_us: Vec<u32>, elapsed: Duration) -> Self {
        latencies_us.sort_unstable();
        let secs = elapsed.as_secs_f64().max(1e-9);
        let get = Counters::get;
        Self {
            charge_points,
            connected_at_end: get(&c.connected_at_end),
            connected_peak: get(&c.connected_peak),
            connects: get(&c.connects),
            connect_failures: get(&c.connect_failures),
            disconnects: get(&c.disconnects),
            boots_accepted: get(&c.boots_accepted),
            boots_not_accepted: get(&c.boots_not_accepted),
            calls: get(&c.calls),
            call_errors: get(&c.call_errors),
            timeouts: get(&c.timeouts),
            sessions_started: get(&c.sessions_started),
            sessions_completed: get(&c.sessions_completed),
            sessions_refused: get(&c.sessions_refused),
            energy_wh: get(&c.energy_wh),
            csms_calls: get(&c.csms_calls),
            elapsed_s: elapsed.as_secs_f64(),
            sessions_per_s: get(&c.sessions_completed) as f64 / secs,
            calls_per_s: get(&c.calls) as f64 / secs,
            p50_ms: percentile_ms(&latencies_us, 0.50),
            p99_ms: percentile_ms(&latencies_us, 0.99),
            max_ms: percentile_ms(&latencies_us, 1.0),
        }
    }

    /// Prints the summary for people.
    pub(super) fn print_text(&self) {
        println!(
            "charge points: {} simulated, {} connected at the end (peak {}), {} connects, {} failed attempts, {} dropped",
            self.charge_points,
            self.connected_at_end,
            self.connected_peak,
            self.connects,
            self.connect_failures,
            self.disconnects
        );
        println!("boots:         {} accepted, {} pending or rejected", self.boots_accepted, self.boots_not_accepted);
        println!(
            "sessions:      {} started, {} completed ({:.2}/s), {} refused, {} Wh delivered",
            self.sessions_started, self.sessions_completed, self.sessions_per_s, self.sessions_refused, self.energy_wh
        );
        println!(
            "calls:         {} answered in {:.1} s ({:.1}/s), {} CALLERRORs, {} timeouts, {} received from the CSMS",
            self.calls, self.elapsed_s, self.calls_per_s, self.call_errors, self.timeouts, self.csms_calls
        );
        println!("latency:       p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms", self.p50_ms, self.p99_ms, self.max_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_latencies_then_percentiles_are_nearest_rank() {
        let c = Counters::default();
        c.up();
        c.up();
        c.down();
        c.mark_end();
        let s = Summary::new(3, &c, (1..=100).map(|ms| ms * 1000).collect(), Duration::from_secs(1));
        assert_eq!((s.p50_ms, s.p99_ms, s.max_ms), (50.0, 99.0, 100.0));
        assert_eq!((s.connected_at_end, s.connected_peak, s.connects), (1, 2, 2));
        let empty = Summary::new(0, &Counters::default(), Vec::new(), Duration::ZERO);
        assert_eq!(empty.p99_ms, 0.0);
    }
}
