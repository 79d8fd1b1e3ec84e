//! Test harness of microgrid-cloud: hands integration tests real, fresh databases.
//!
//! * [`sqlite_database`] — a new SQLite file in a new temporary directory.
//! * [`postgres_database`] — a new, empty PostgreSQL database, either on the server named by
//!   `MGC_TEST_POSTGRES_URL` (or a `postgres://` `DATABASE_URL`), or on a throwaway cluster
//!   that the harness starts once per test process and that a watchdog stops and deletes when
//!   the process exits. Without PostgreSQL binaries it returns `None` after a loud warning,
//!   unless `MGC_REQUIRE_POSTGRES=1`, which turns the skip into a panic.
//! * [`all_databases`] — both, SQLite first; contract tests loop over it.
//! * [`fake_thingsboard::FakeThingsBoard`] — a local HTTP server speaking ThingsBoard's auth and
//!   RPC API with scripted answers, recording every request.
//!
//! Environment variables:
//!
//! | variable | effect |
//! | --- | --- |
//! | `MGC_TEST_POSTGRES_URL` | admin URL of a PostgreSQL server to create test databases on |
//! | `DATABASE_URL` | used like the above when it starts with `postgres://` or `postgresql://` |
//! | `MGC_TEST_PG_BIN_DIR` | the only directory searched for `initdb`/`pg_ctl`/`postgres` (a nonexistent one simulates "no binaries") |
//! | `MGC_REQUIRE_POSTGRES=1` | panic instead of skipping when no PostgreSQL is available |

// This is a test harness: a failure to provide a database must abort the test that asked for
// it, with a clear message, so `expect`/`unwrap` are the intended error handling here.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod backend;
pub mod fake_thingsboard;
mod postgres;
mod sqlite;

pub use backend::{Backend, TestDatabase};
pub use postgres::postgres_database;
pub use sqlite::sqlite_database;

/// Every available backend's fresh database: SQLite first, then PostgreSQL if available.
pub async fn all_databases() -> Vec<TestDatabase> {
    let mut databases = vec![sqlite_database().await];
    if let Some(pg) = postgres_database().await {
        databases.push(pg);
    }
    databases
}
