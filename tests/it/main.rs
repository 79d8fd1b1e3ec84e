//! Integration tests of microgrid-cloud: through the HTTP router into real SQLite and PostgreSQL.

// Test code: a failed unwrap is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod alarm_flow;
mod alarm_stream;
mod alarm_support;
mod alarm_tick;
mod analytics;
mod analytics_support;
mod api_auth;
mod api_errors;
mod chain_e2e;
mod charging_store;
mod commands_adapter;
mod commands_early_rpc;
mod commands_flow;
mod commands_lifecycle;
mod commands_reconcile;
mod commands_support;
mod dispatcher;
mod dispatcher_concurrency;
mod group_commit;
mod harness_selftest;
mod ingest;
mod ingest_input;
mod ingest_support;
mod masterdata_edit;
mod notify_channels;
mod notify_webhook;
mod operations;
mod outbox_atomicity;
mod remap;
mod settlement_flow;
mod settlement_support;
mod settlement_tenancy;
mod shadow_run;
mod shadow_store;
mod shadow_support;
mod store_contract;
mod strategy_crud;
mod strategy_flow;
mod strategy_support;
mod support;
mod telemetry_bulk;
mod telemetry_storage;
mod tenant_isolation;
