//! Support of the analytics property tests: an in-memory store, scenarios and their replay.

// Test code: a failed unwrap is a failed test with its message.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod generate;
pub mod memory;
pub mod scenario;

/// Cases per property: `PROPTEST_CASES` when set, a few thousand otherwise.
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}
