//! Shared helpers of the integration tests: the in-process app and its fixed credentials come
//! from the test kit (`mgc-testkit`), the same one outside developers use.

pub use mgc_testkit::{append_event, assert_error, store, t0, tenant, TestApp, SECRET};
