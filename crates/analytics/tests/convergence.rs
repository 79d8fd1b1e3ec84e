//! Convergence: whatever order a station's data arrives in, with window closes in between, the
//! final hour and day figures equal those computed from all samples at once. One property per
//! zone and day (an ordinary day, the 23-hour and the 25-hour day), 500 cases each by default
//! (`PROPTEST_CASES` sets the cases per property).

// Test code: a failed unwrap is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use proptest::prelude::*;
use proptest::test_runner::Config;
use support::generate::scenario;
use support::scenario::Scenario;

fn converges(s: &Scenario) -> Result<(), TestCaseError> {
    let once = s.all_at_once();
    let replayed = s.incremental();
    prop_assert_eq!(replayed.windows.len(), once.windows.len());
    for (got, want) in replayed.windows.iter().zip(&once.windows) {
        prop_assert_eq!(got, want, "window {}", want.0.period);
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: support::cases(500), failure_persistence: None, ..Config::default() })]

    #[test]
    fn given_random_series_in_utc_arriving_late_when_closed_between_then_figures_equal_all_at_once(s in scenario(0)) {
        converges(&s)?;
    }

    #[test]
    fn given_random_series_in_shanghai_arriving_late_when_closed_between_then_figures_equal_all_at_once(s in scenario(1)) {
        converges(&s)?;
    }

    #[test]
    fn given_random_series_on_the_23_hour_day_arriving_late_when_closed_between_then_figures_equal_all_at_once(s in scenario(2)) {
        converges(&s)?;
    }

    #[test]
    fn given_random_series_on_the_25_hour_day_arriving_late_when_closed_between_then_figures_equal_all_at_once(s in scenario(3)) {
        converges(&s)?;
    }
}
