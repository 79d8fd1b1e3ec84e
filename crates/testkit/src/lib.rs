//! Test kit of microgrid-cloud: the whole application in process, for tests written by the
//! project and by developers who reuse its crates (a strategy, a tariff rule, an adapter, a
//! reconciliation job) — no server to run, no sleeps, the same code paths as `mgc serve`.
//!
//! Start with [`TestApp`]: the real HTTP router over a real, migrated store on a fresh
//! [SQLite file](sqlite_database) or [PostgreSQL database](postgres_database) (a URL, or a
//! throwaway cluster the kit starts), with an injected [`ManualClock`](mgc_kernel::ManualClock).
//! Nothing runs in the background: the test moves the clock ([`TestApp::advance`]) and runs
//! the dispatcher and every scheduler until nothing is left to do ([`TestApp::run_until_quiet`]),
//! so every run is deterministic.
//!
//! | need | kit |
//! | --- | --- |
//! | a database per backend | [`all_databases`], [`sqlite_database`], [`postgres_database`], [`TestDatabase`], [`Backend`] |
//! | the app | [`TestApp::new`], [`TestApp::with_config`], [`TestApp::sqlite`], [`TestApp::call`] |
//! | tokens | [`TestApp::bearer`], [`TestApp::bearer_for_stations`], [`TestApp::bearer_with`] |
//! | a station | [`StationBuilder`] → [`TestApp::provision`] → [`Station`] |
//! | telemetry | [`TestApp::integration`] → [`Integration`], [`TestApp::post_telemetry`], [`TestApp::post_series`], [`TestApp::post_signed`] |
//! | time | [`TestApp::advance`], [`TestApp::run_until_quiet`] → [`Quiet`], [`TestApp::pump`], [`TestApp::analytics_round`] |
//! | set-up | [`TestApp::create_tariff`], [`TestApp::assign_tariff`], [`TestApp::alarm_rule`], [`TestApp::webhook_channel`], [`TestApp::create_strategy`] |
//! | typed results | [`TestApp::stats`] → [`StatWindow`], [`TestApp::settlements`] → [`SettlementView`], [`TestApp::alarms`] → [`AlarmView`], [`TestApp::command`] → [`CommandView`] |
//! | outside parties | [`WebhookReceiver`] (signature check), [`fake_thingsboard::FakeThingsBoard`] (RPC) |
//!
//! The example of docs/testing-with-mgc.md, run as a doc test:
//!
//! ```
//! use mgc_iam::Role;
//! use mgc_testkit::{all_databases, StationBuilder, TestApp};
//! use serde_json::json;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! for db in all_databases().await {                // SQLite, then PostgreSQL if available
//!     let app = TestApp::new(&db).await;            // router + migrated store + manual clock
//!     let admin = app.bearer("acme", Role::Admin);  // a JWT valid for 1 h of app time
//!     let station = app
//!         .provision(&admin, &StationBuilder::new("s1", "Asia/Shanghai")
//!             .device("meter-1", "meter")
//!             .mapping("P", "active_power_w", 1000.0))   // P arrives in kW
//!         .await;
//!     let tb = app.integration(&admin, false).await;     // id + secret, signs every post
//!     let ts = app.now().timestamp_millis();
//!     app.post_telemetry(&tb, &json!([{"device": "meter-1", "ts": ts, "values": {"P": 12.0}}])).await;
//!     app.advance(chrono::Duration::minutes(2));
//!     let ts = app.now().timestamp_millis();
//!     app.post_telemetry(&tb, &json!([{"device": "meter-1", "ts": ts, "values": {"P": 12.0}}])).await;
//!     app.advance_until_quiet(chrono::Duration::minutes(70)).await; // past the hour + 5 min grace
//!     let viewer = app.bearer("acme", Role::Viewer);
//!     let t0 = mgc_testkit::t0();
//!     let hours = app.stats(&viewer, &station.id, "hour", t0, t0 + chrono::Duration::hours(1)).await;
//!     assert_eq!(hours[0].energy.grid_import_wh, 400, "{}", db.backend); // 12 kW × 2 min
//! }
//! # }
//! ```
//!
//! Environment variables (PostgreSQL):
//!
//! | variable | effect |
//! | --- | --- |
//! | `MGC_TEST_POSTGRES_URL` | admin URL of a PostgreSQL server to create test databases on |
//! | `DATABASE_URL` | used like the above when it starts with `postgres://` or `postgresql://` |
//! | `MGC_TEST_PG_BIN_DIR` | the only directory searched for `initdb`/`pg_ctl`/`postgres` (a nonexistent one simulates "no binaries") |
//! | `MGC_REQUIRE_POSTGRES=1` | panic instead of skipping when no PostgreSQL is available |
//!
//! docs/testing-with-mgc.md walks through the kit, its examples and the rules.

// This is a test harness: a failure to provide a database, or an answer a helper does not
// expect, must abort the test that asked, with a clear message; `expect`/`unwrap` are the
// intended error handling here.
#![allow(clippy::expect_used, clippy::unwrap_used)]
#![warn(missing_docs)]

mod app;
mod backend;
mod conformance;
pub mod fake_thingsboard;
mod ingest;
mod postgres;
mod read;
mod run;
mod setup;
mod sqlite;
mod station;
mod tokens;
mod webhook;

pub use app::{append_event, assert_error, store, store_with, t0, tenant, TestApp, KNOWN_TENANTS, MASTER_KEY, SECRET};
pub use backend::{Backend, TestDatabase};
pub use ingest::{Integration, TELEMETRY};
pub use postgres::postgres_database;
pub use read::{decode, AlarmView, CommandView, SettlementHistory, SettlementView, StatWindow};
pub use run::{notify_config, Quiet, FREEZE_AFTER_DAYS};
pub use sqlite::sqlite_database;
pub use station::{Station, StationBuilder};
pub use webhook::{Received, WebhookReceiver};

/// Every available backend's fresh database: SQLite first, then PostgreSQL if available.
pub async fn all_databases() -> Vec<TestDatabase> {
    let mut databases = vec![sqlite_database().await];
    if let Some(pg) = postgres_database().await {
        databases.push(pg);
    }
    databases
}
