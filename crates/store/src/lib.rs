//! Storage edge: one `Store` over SQLite (embedded default) or PostgreSQL (production).
//!
//! Repositories are written once with `$n` placeholders, which both backends accept, and
//! compiled for each backend by the `on_tx!`/`on_read!`/`on_write!` macros. Only what must
//! differ (locking clauses, wake-ups, connection set-up) is written per backend.

#![warn(missing_docs)]

#[macro_use]
mod macros;

mod alarm_signals;
mod alarms;
mod alarms_derived;
mod alarms_queries;
mod alarms_rows;
mod analytics;
mod analytics_carries;
mod analytics_queries;
mod analytics_rows;
mod api_keys;
mod audit;
mod charging_connectors;
mod charging_id_tags;
mod charging_points;
mod charging_queries;
mod charging_reports;
mod charging_rows;
mod charging_sessions;
mod charging_stats;
mod charging_tag_queries;
mod charging_timeline;
mod cluster;
mod cluster_listen;
mod collector;
mod commands;
mod commands_early;
mod commands_queue;
mod commands_rows;
mod db;
mod db_errors;
mod dead_letters;
#[cfg(test)]
mod durability_tests;
mod fault_injection;
mod faults;
mod integrations;
mod masterdata;
mod migrate;
mod notifications;
mod notifications_queue;
mod outbox;
mod outbox_instance;
mod platform_orders;
mod platform_subscriptions;
mod processed;
pub mod request_audit;
mod rows;
mod scope_sql;
mod secret_box;
mod secrets_at_rest;
mod settlement;
mod settlement_queries;
mod settlement_statements;
mod shadow_history;
mod shadow_runs;
mod storage_health;
mod strategies;
mod strategy_queries;
mod strategy_rows;
mod strategy_tariffs;
mod tariffs;
mod telemetry;
mod telemetry_maintenance;
mod telemetry_pg;
mod telemetry_pg_copy;
mod telemetry_sqlite;
mod tenants;
mod tx;
mod wakeup;
mod writer_check;

pub use alarm_signals::{AlarmChanges, DeliveryWakeup};
pub use cluster::{Reaped, DEVICE_COMMANDS_CHANNEL};
pub use cluster_listen::DeviceCommandListener;
pub use db::{redact, Backend, Store, StoreOptions};
pub use migrate::MigrationStatus;
pub use secret_box::{Keyring, SecretBoxError, SEALED_PREFIX};
pub use secrets_at_rest::SecretsReport;
pub use tenants::TenantRow;
pub use tx::StoreTx;
pub use wakeup::StoreWakeup;
