//! Figures of the commands sent to charge points: outcomes, success rate and response times.
//!
//! The response time of a command is the time from its first move to `sent` (handed to the
//! device's platform) to its first move to `succeeded` or `failed` (the device's final answer);
//! commands that never got an answer (timed out, expired, cancelled, still open) have none.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// Where a command ended (or that it is still open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandOutcome {
    /// Pending, sent or delivered: no end state yet.
    Open,
    /// The device carried it out.
    Succeeded,
    /// Refused or failed.
    Failed,
    /// Sent but no final answer before the deadline.
    TimedOut,
    /// The deadline passed before it could be sent.
    Expired,
    /// Cancelled by an operator.
    Cancelled,
}

/// One command sent to a charge point, as the statistics need it.
#[derive(Debug, Clone)]
pub struct CommandFact {
    /// Its method (`RemoteStartTransaction`, …).
    pub method: String,
    /// Its outcome.
    pub outcome: CommandOutcome,
    /// First move to `sent`.
    pub sent_at: Option<DateTime<Utc>>,
    /// First move to `succeeded` or `failed`.
    pub answered_at: Option<DateTime<Utc>>,
}

/// Outcomes and response times of a set of commands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandFigures {
    /// Commands issued.
    pub count: u64,
    /// Of those, succeeded.
    pub succeeded: u64,
    /// Failed.
    pub failed: u64,
    /// Timed out.
    pub timed_out: u64,
    /// Expired before being sent.
    pub expired: u64,
    /// Cancelled.
    pub cancelled: u64,
    /// Not ended yet.
    pub open: u64,
    /// Succeeded per mille of those that ended other than cancelled (none when none did).
    pub success_permille: Option<u64>,
    /// Commands with a response time.
    pub answered: u64,
    /// Median response time (ms, nearest rank).
    pub response_p50_ms: Option<u64>,
    /// 95th percentile response time (ms, nearest rank).
    pub response_p95_ms: Option<u64>,
    /// Longest response time (ms).
    pub response_max_ms: Option<u64>,
}

/// Figures of all the commands and of each method.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandStats {
    /// All the commands.
    pub total: CommandFigures,
    /// Per method, by name.
    pub by_method: BTreeMap<String, CommandFigures>,
}

/// The nearest-rank `pct`-th percentile of `sorted` (ascending): the value at rank
/// `ceil(pct / 100 × n)`; none when `sorted` is empty.
pub fn nearest_rank(sorted: &[u64], pct: u64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len() as u64;
    let rank = (pct.min(100) * n).div_ceil(100).max(1);
    sorted.get((rank - 1) as usize).copied()
}

fn figures_of<'a>(facts: impl Iterator<Item = &'a CommandFact>) -> CommandFigures {
    let mut f = CommandFigures::default();
    let mut times = Vec::new();
    for fact in facts {
        f.count += 1;
        match fact.outcome {
            CommandOutcome::Open => f.open += 1,
            CommandOutcome::Succeeded => f.succeeded += 1,
            CommandOutcome::Failed => f.failed += 1,
            CommandOutcome::TimedOut => f.timed_out += 1,
            CommandOutcome::Expired => f.expired += 1,
            CommandOutcome::Cancelled => f.cancelled += 1,
        }
        if let (Some(sent), Some(answered)) = (fact.sent_at, fact.answered_at) {
            times.push((answered - sent).num_milliseconds().max(0) as u64);
        }
    }
    let ended = f.succeeded + f.failed + f.timed_out + f.expired;
    f.success_permille = (ended > 0).then(|| f.succeeded * 1000 / ended);
    times.sort_unstable();
    f.answered = times.len() as u64;
    f.response_p50_ms = nearest_rank(&times, 50);
    f.response_p95_ms = nearest_rank(&times, 95);
    f.response_max_ms = times.last().copied();
    f
}

/// The figures of `facts`, in total and per method.
pub fn command_figures(facts: &[CommandFact]) -> CommandStats {
    let methods: std::collections::BTreeSet<&str> = facts.iter().map(|f| f.method.as_str()).collect();
    CommandStats {
        total: figures_of(facts.iter()),
        by_method: methods
            .into_iter()
            .map(|m| (m.to_owned(), figures_of(facts.iter().filter(|f| f.method == m))))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn fact(method: &str, outcome: CommandOutcome, ms: Option<i64>) -> CommandFact {
        let sent = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        CommandFact {
            method: method.into(),
            outcome,
            sent_at: Some(sent),
            answered_at: ms.map(|m| sent + Duration::milliseconds(m)),
        }
    }

    #[test]
    fn nearest_rank_takes_the_value_at_the_ceiling_rank() {
        let v: Vec<u64> = (1..=20).map(|i| i * 10).collect();
        assert_eq!(nearest_rank(&v, 50), Some(100), "rank 10 of 20");
        assert_eq!(nearest_rank(&v, 95), Some(190), "rank 19 of 20");
        assert_eq!(nearest_rank(&v, 100), Some(200));
        assert_eq!(nearest_rank(&[7], 95), Some(7));
        assert_eq!(nearest_rank(&[1, 2, 3], 50), Some(2), "ceil(1.5) = 2");
        assert_eq!(nearest_rank(&[1, 2, 3, 4], 50), Some(2), "rank 2 of 4");
        assert_eq!(nearest_rank(&[1, 2, 3, 4], 95), Some(4), "ceil(3.8) = 4");
        assert_eq!(nearest_rank(&[], 50), None);
    }

    #[test]
    fn figures_count_outcomes_and_time_only_answered_commands() {
        let facts = [
            fact("Reset", CommandOutcome::Succeeded, Some(1500)),
            fact("Reset", CommandOutcome::Failed, Some(500)),
            fact("Reset", CommandOutcome::TimedOut, None),
            fact("Unlock", CommandOutcome::Succeeded, Some(3000)),
            fact("Unlock", CommandOutcome::Cancelled, None),
            fact("Unlock", CommandOutcome::Open, None),
        ];
        let s = command_figures(&facts);
        assert_eq!((s.total.count, s.total.succeeded, s.total.failed, s.total.timed_out), (6, 2, 1, 1));
        assert_eq!((s.total.cancelled, s.total.open, s.total.answered), (1, 1, 3));
        assert_eq!(s.total.success_permille, Some(500), "2 of 4 ended");
        assert_eq!(
            (s.total.response_p50_ms, s.total.response_p95_ms, s.total.response_max_ms),
            (Some(1500), Some(3000), Some(3000))
        );
        let reset = &s.by_method["Reset"];
        assert_eq!((reset.count, reset.success_permille, reset.response_p50_ms), (3, Some(333), Some(500)));
        assert_eq!(s.by_method["Unlock"].success_permille, Some(1000));
        assert_eq!(command_figures(&[]).total.success_permille, None);
    }
}
