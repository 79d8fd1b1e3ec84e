//! Versioned REST resources under `/api/v1`.

pub mod alarm_rule_schemas;
pub mod alarm_rule_views;
pub mod alarm_rules;
pub mod alarm_stream;
pub mod alarm_views;
pub mod alarms;
pub mod analytics;
pub mod analytics_views;
pub mod api_keys;
pub mod audit;
pub mod channel_schemas;
pub mod channel_views;
pub mod charge_point_operations;
pub mod charging;
pub mod charging_command_stats;
pub mod charging_stats;
pub mod charging_stats_exports;
pub mod charging_stats_views;
pub mod charging_timeline;
pub mod collector;
pub mod command_views;
pub mod commands;
pub mod csv_delimiter;
pub mod dead_letters;
pub mod id_tags;
pub mod ingest;
pub mod ingest_rpc;
pub mod ingest_views;
pub mod integrations;
pub mod masterdata;
pub mod masterdata_edit;
pub mod masterdata_schemas;
pub mod masterdata_views;
pub mod me;
pub mod notification_channels;
pub mod notification_views;
pub mod notifications;
pub mod provision_schemas;
pub mod remap;
pub mod settlement_views;
pub mod settlements;
pub mod shadow_report_views;
pub mod shadow_run_schemas;
pub mod shadow_runs;
pub mod statement_views;
pub mod statements;
pub mod stats_columns;
pub mod strategies;
pub mod strategy_execution_views;
pub mod strategy_executions;
pub mod strategy_schemas;
pub mod strategy_views;
pub mod subscription_bodies;
pub mod subscription_views;
pub mod subscriptions;
pub mod tariff_schemas;
pub mod tariffs;
pub mod telemetry;
pub mod telemetry_views;
pub mod third_party;
pub mod third_party_devices;
pub mod third_party_operations;
pub mod third_party_params_views;
pub mod third_party_readings;
pub mod third_party_records;
pub mod third_party_stats_exports;

/// Routes of charging: the read side and the operations on a charge point (kept here so the
/// main router changes by one line).
pub fn charging_routes() -> axum::Router<crate::AppState> {
    use axum::routing::{delete, get, post, put};
    use charge_point_operations as ops;
    axum::Router::new()
        .route("/api/v1/charge-points", get(charging::list_charge_points))
        .route("/api/v1/charge-points/{id}", get(charging::get_charge_point))
        .route("/api/v1/charge-points/{id}/registration", put(charging::set_registration))
        .route("/api/v1/charge-points/{id}/charger-type", put(charging::set_charger_type))
        .route("/api/v1/id-tags", get(id_tags::list))
        .route("/api/v1/id-tags/{id_tag}", get(id_tags::get).put(id_tags::put).delete(id_tags::delete))
        .route("/api/v1/charge-points/{id}/local-list/sync", post(ops::sync_local_list))
        .route("/api/v1/charge-points/{id}/reservations", post(ops::reserve))
        .route("/api/v1/charge-points/{id}/reservations/{reservation_id}", delete(ops::cancel_reservation))
        .route("/api/v1/charge-points/{id}/charging-profiles", post(ops::set_profile).delete(ops::clear_profiles))
        .route("/api/v1/charge-points/{id}/composite-schedule", post(ops::composite_schedule))
        .route("/api/v1/charging-sessions", get(charging::list_sessions))
        .route("/api/v1/charging-sessions/{id}", get(charging::get_session))
        .route("/api/v1/stats/charging/commands", get(charging_command_stats::commands))
        .route("/api/v1/stats/charging/commands/export", get(charging_stats_exports::commands_export))
        .route("/api/v1/stats/charging/fleet", get(charging_stats::fleet))
        .route("/api/v1/stats/charging/fleet/export", get(charging_stats_exports::fleet_export))
        .route("/api/v1/stats/charging/sessions/export", get(charging_stats_exports::sessions_export))
        .route("/api/v1/stats/charging/utilisation/export", get(charging_stats_exports::utilisation_export))
        .route("/api/v1/stats/charging/sessions", get(charging_stats::sessions))
        .route("/api/v1/stats/charging/utilisation", get(charging_stats::utilisation))
        .route("/api/v1/charging-sessions/{id}/timeline", get(charging_timeline::session_timeline))
        .route("/api/v1/charging-sessions/{id}/timeline.csv", get(charging_timeline::session_timeline_csv))
        .route("/api/v1/charge-points/{id}/timeline", get(charging_timeline::charge_point_timeline))
        .route("/api/v1/charge-points/{id}/timeline.csv", get(charging_timeline::charge_point_timeline_csv))
}

/// Routes of shadow runs (kept here so the main router changes by one line).
pub fn shadow_routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/api/v1/shadow-runs", post(shadow_runs::create).get(shadow_runs::list))
        .route("/api/v1/shadow-runs/{id}", get(shadow_runs::get))
        .route("/api/v1/shadow-runs/{id}/{file}", get(shadow_runs::report))
}

/// Routes of alarms, rules, channels and notifications (kept here so the main router changes by one line).
pub fn alarm_routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/api/v1/alarm-rules", post(alarm_rules::create).get(alarm_rules::list))
        .route("/api/v1/alarm-rules/{id}", get(alarm_rules::get).put(alarm_rules::replace).delete(alarm_rules::delete))
        .route("/api/v1/alarm-rules/{id}/enable", post(alarm_rules::enable))
        .route("/api/v1/alarm-rules/{id}/disable", post(alarm_rules::disable))
        .route("/api/v1/alarms", get(alarms::list))
        .route("/api/v1/alarms/stream", get(alarm_stream::stream))
        .route("/api/v1/alarms/{id}", get(alarms::get))
        .route("/api/v1/alarms/{id}/ack", post(alarms::ack))
        .route("/api/v1/alarms/{id}/clear", post(alarms::clear))
        .route("/api/v1/alarms/{id}/assign", post(alarms::assign))
        .route("/api/v1/notification-channels", post(notification_channels::create).get(notification_channels::list))
        .route(
            "/api/v1/notification-channels/{id}",
            get(notification_channels::get).put(notification_channels::replace).delete(notification_channels::delete),
        )
        .route("/api/v1/notification-channels/{id}/test", post(notification_channels::test))
        .route("/api/v1/notifications", get(notifications::list))
        .route("/api/v1/notifications/{id}", get(notifications::get))
        .route("/api/v1/notifications/{id}/retry", post(notifications::retry))
        .route("/api/v1/subscriptions", post(subscriptions::create).get(subscriptions::list))
        .route(
            "/api/v1/subscriptions/{id}",
            get(subscriptions::get).put(subscriptions::replace).delete(subscriptions::delete),
        )
        .route("/api/v1/subscriptions/{id}/ping", post(subscriptions::ping))
        .route("/api/v1/subscriptions/{id}/stats", get(subscriptions::stats))
}

/// Routes of strategies, their versions and executions (one line in the main router).
pub fn strategy_routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/api/v1/strategies", post(strategies::create).get(strategies::list))
        .route("/api/v1/strategies/{id}", get(strategies::get).put(strategies::replace).delete(strategies::delete))
        .route("/api/v1/strategies/{id}/enable", post(strategies::enable))
        .route("/api/v1/strategies/{id}/disable", post(strategies::disable))
        .route("/api/v1/strategies/{id}/versions", get(strategy_executions::versions))
        .route("/api/v1/strategies/{id}/executions", get(strategy_executions::list))
        .route("/api/v1/strategies/{id}/executions/{execution_id}", get(strategy_executions::get))
}

/// Routes of commands (kept here so the main router changes by one line).
pub fn command_routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/api/v1/commands", post(commands::issue).get(commands::list))
        .route("/api/v1/commands/{id}", get(commands::get))
        .route("/api/v1/commands/{id}/cancel", post(commands::cancel))
}

/// Routes of the third-party platform API (`/api/third/v1`, API keys or tokens, same scope rules).
pub fn third_party_routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/api/third/v1/devices", get(third_party_devices::list))
        .route("/api/third/v1/stats/charging/commands", get(charging_command_stats::third_commands))
        .route("/api/third/v1/stats/charging/fleet", get(charging_stats::third_fleet))
        .route("/api/third/v1/stats/charging/sessions", get(charging_stats::third_sessions))
        .route("/api/third/v1/stats/charging/utilisation", get(charging_stats::third_utilisation))
        .route("/api/third/v1/stats/charging/commands/export", get(third_party_stats_exports::third_commands_export))
        .route("/api/third/v1/stats/charging/fleet/export", get(third_party_stats_exports::third_fleet_export))
        .route("/api/third/v1/stats/charging/sessions/export", get(third_party_stats_exports::third_sessions_export))
        .route(
            "/api/third/v1/stats/charging/utilisation/export",
            get(third_party_stats_exports::third_utilisation_export),
        )
        .route("/api/third/v1/devices/batch/status", post(third_party_devices::batch_status))
        .route("/api/third/v1/devices/batch/control", post(third_party_devices::batch_control))
        .route("/api/third/v1/devices/{id}", get(third_party_devices::get))
        .route("/api/third/v1/devices/{id}/logs", get(third_party_devices::logs))
        .route("/api/third/v1/devices/{id}/ports", get(third_party_readings::ports))
        .route("/api/third/v1/devices/{id}/sessions", get(third_party_readings::sessions))
        .route("/api/third/v1/devices/{id}/realtime", get(third_party_readings::realtime))
        .route("/api/third/v1/devices/{id}/reboot", post(third_party::reboot))
        .route(
            "/api/third/v1/devices/{id}/params",
            get(third_party_operations::read_params).post(third_party_operations::set_param),
        )
        .route("/api/third/v1/devices/{id}/params/read", post(third_party_operations::fresh_read))
        .route("/api/third/v1/devices/{id}/firmware", post(third_party_operations::firmware))
        .route("/api/third/v1/devices/{id}/history", get(third_party_records::history))
        .route("/api/third/v1/devices/{id}/alarms", get(third_party_records::alarms))
        .route("/api/third/v1/devices/{id}/charge/start", post(third_party::start))
        .route("/api/third/v1/devices/{id}/charge/stop", post(third_party::stop))
        .route("/api/third/v1/devices/{id}/charge/status", get(third_party::status))
}
