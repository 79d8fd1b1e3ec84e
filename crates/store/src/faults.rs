//! Fault injection at the store boundary, for the durability tests.
//!
//! Production code never arms these; they exist so the test suite can make storage fail the way
//! a full disk or a lost database does, without root: a SQLite writer whose file cannot grow
//! (`PRAGMA max_page_count`), and units of work whose commit fails (rolled back, then reported
//! as `storage unavailable`) on either backend.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// Faults armed on one store (all off by default).
#[derive(Debug, Default)]
pub(crate) struct StoreFaults {
    /// SQLite writer page limit applied to every new writer connection (0 = none).
    pub(crate) sqlite_page_limit: AtomicU32,
    /// Commits still to fail.
    failing_commits: AtomicU64,
    /// When non-zero, every commit whose sequence number is a multiple of it fails.
    fail_every: AtomicU64,
    /// Commits attempted so far (for `fail_every`).
    attempts: AtomicU64,
}

impl StoreFaults {
    /// Arms `n` more failing commits.
    pub(crate) fn fail_next_commits(&self, n: u64) {
        self.failing_commits.fetch_add(n, Ordering::SeqCst);
    }

    /// Fails every `n`th commit from now on (0 disarms).
    pub(crate) fn fail_every_nth_commit(&self, n: u64) {
        self.fail_every.store(n, Ordering::SeqCst);
    }

    /// Whether the commit being attempted now must fail; consumes one armed failure.
    pub(crate) fn commit_fails(&self) -> bool {
        let attempt = self.attempts.fetch_add(1, Ordering::SeqCst) + 1;
        let every = self.fail_every.load(Ordering::SeqCst);
        if every != 0 && attempt.is_multiple_of(every) {
            return true;
        }
        self.failing_commits.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::StoreFaults;

    #[test]
    fn given_two_armed_failures_when_three_commits_run_then_only_the_first_two_fail() {
        let faults = StoreFaults::default();
        faults.fail_next_commits(2);
        assert_eq!([faults.commit_fails(), faults.commit_fails(), faults.commit_fails()], [true, true, false]);
    }

    #[test]
    fn given_every_third_commit_fails_when_six_run_then_the_third_and_sixth_fail() {
        let faults = StoreFaults::default();
        faults.fail_every_nth_commit(3);
        let outcomes: Vec<bool> = (0..6).map(|_| faults.commit_fails()).collect();
        assert_eq!(outcomes, [false, false, true, false, false, true]);
    }
}
