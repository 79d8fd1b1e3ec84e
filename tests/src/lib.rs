//! Test harness of microgrid-cloud's own integration tests: the databases, the fake ThingsBoard
//! and the in-process app all come from `mgc-testkit` (crates/testkit), re-exported here so the
//! project's tests use exactly what outside developers use.

pub use mgc_testkit::{all_databases, fake_thingsboard, postgres_database, sqlite_database, Backend, TestDatabase};
