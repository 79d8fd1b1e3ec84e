//! What the write path has seen lately, for `/readyz`: consecutive failed units of work.

use mgc_kernel::RepoError;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Outcomes of recent units of work (begin and commit) on this store.
#[derive(Debug, Default)]
pub(crate) struct StorageHealth {
    consecutive_failures: AtomicU64,
    last_error: Mutex<Option<String>>,
}

/// The write path's health as `/readyz` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteHealth {
    /// Units of work that failed to begin or commit since the last one that committed.
    pub consecutive_failures: u64,
    /// The latest of those failures, when there is one.
    pub last_error: Option<String>,
}

impl StorageHealth {
    /// Records how a begin or commit ended; storage faults count, refusals of the request do not.
    pub(crate) fn record<T>(&self, outcome: &Result<T, RepoError>) {
        match outcome {
            Ok(_) => {
                if self.consecutive_failures.swap(0, Ordering::SeqCst) != 0 {
                    tracing::info!("storage writes succeed again");
                }
            }
            Err(e @ (RepoError::Unavailable(_) | RepoError::Backend(_))) => {
                self.consecutive_failures.fetch_add(1, Ordering::SeqCst);
                metrics::counter!("mgc_db_write_failures_total").increment(1);
                if let Ok(mut last) = self.last_error.lock() {
                    *last = Some(e.to_string());
                }
            }
            Err(_) => {}
        }
    }

    /// The current figures.
    pub(crate) fn report(&self) -> WriteHealth {
        let consecutive_failures = self.consecutive_failures.load(Ordering::SeqCst);
        let last_error =
            if consecutive_failures == 0 { None } else { self.last_error.lock().ok().and_then(|l| l.clone()) };
        WriteHealth { consecutive_failures, last_error }
    }
}

#[cfg(test)]
mod tests {
    use super::StorageHealth;
    use mgc_kernel::RepoError;

    #[test]
    fn given_two_storage_failures_and_a_conflict_when_reported_then_two_count_until_a_success() {
        let health = StorageHealth::default();
        health.record::<()>(&Err(RepoError::Unavailable("database or disk is full".into())));
        health.record::<()>(&Err(RepoError::Conflict("duplicate".into())));
        health.record::<()>(&Err(RepoError::Backend("broken".into())));
        let report = health.report();
        assert_eq!(report.consecutive_failures, 2);
        assert_eq!(report.last_error.as_deref(), Some("backend error: broken"));
        health.record(&Ok(()));
        assert_eq!(health.report().consecutive_failures, 0);
        assert_eq!(health.report().last_error, None);
    }
}
