//! The OpenAPI document, generated from the handlers' annotations.

use crate::routes::{api_keys, audit, dead_letters, ingest, integrations, masterdata, me, telemetry};
use crate::{error, health};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// OpenAPI description of the whole HTTP API.
#[derive(OpenApi)]
#[openapi(
    info(title = "microgrid-cloud API", description = "Microgrid and EV charging backend: telemetry, statistics, settlement, alarms, commands."),
    paths(
        health::healthz, health::readyz, health::metrics,
        me::me,
        api_keys::create, api_keys::list, api_keys::get, api_keys::revoke,
        audit::list,
        dead_letters::list, dead_letters::replay,
        masterdata::provision, masterdata::list_stations, masterdata::get_station, masterdata::list_devices,
        masterdata::get_device, masterdata::unmapped_keys, masterdata::list_mappings, masterdata::set_scope_mappings, masterdata::points,
        crate::routes::masterdata_edit::patch_station, crate::routes::masterdata_edit::delete_station,
        crate::routes::masterdata_edit::patch_device, crate::routes::masterdata_edit::delete_device,
        crate::routes::remap::remap,
        integrations::create, integrations::list, integrations::rotate, integrations::update,
        ingest::telemetry,
        telemetry::raw, telemetry::latest, telemetry::unrouted,
        crate::routes::analytics::stats, crate::routes::analytics::window_close,
        crate::routes::analytics::recompute, crate::routes::analytics::job,
        crate::routes::tariffs::create, crate::routes::tariffs::list, crate::routes::tariffs::get,
        crate::routes::tariffs::update, crate::routes::tariffs::delete, crate::routes::tariffs::assign,
        crate::routes::tariffs::assignments,
        crate::routes::settlements::list, crate::routes::settlements::get, crate::routes::settlements::freeze,
        crate::routes::settlements::export_csv,
        crate::routes::statements::generate, crate::routes::statements::list, crate::routes::statements::get,
        crate::routes::statements::issue, crate::routes::statements::void,
        crate::routes::alarm_rules::create, crate::routes::alarm_rules::list, crate::routes::alarm_rules::get,
        crate::routes::alarm_rules::replace, crate::routes::alarm_rules::delete, crate::routes::alarm_rules::enable,
        crate::routes::alarm_rules::disable, crate::routes::alarms::list, crate::routes::alarms::get,
        crate::routes::alarms::ack, crate::routes::alarms::clear, crate::routes::alarms::assign,
        crate::routes::alarm_stream::stream,
        crate::routes::notification_channels::create, crate::routes::notification_channels::list,
        crate::routes::notification_channels::get, crate::routes::notification_channels::replace,
        crate::routes::notification_channels::delete, crate::routes::notification_channels::test,
        crate::routes::notifications::list, crate::routes::notifications::get, crate::routes::notifications::retry,
        crate::routes::shadow_runs::create, crate::routes::shadow_runs::list, crate::routes::shadow_runs::get,
        crate::routes::shadow_runs::report,
        crate::routes::strategies::create, crate::routes::strategies::list, crate::routes::strategies::get,
        crate::routes::strategies::replace, crate::routes::strategies::delete, crate::routes::strategies::enable,
        crate::routes::strategies::disable, crate::routes::strategy_executions::versions,
        crate::routes::strategy_executions::list, crate::routes::strategy_executions::get,
        crate::routes::commands::issue, crate::routes::commands::list, crate::routes::commands::get,
        crate::routes::commands::cancel, crate::routes::ingest_rpc::rpc,
        crate::routes::charging::list_charge_points, crate::routes::charging::get_charge_point,
        crate::routes::charging::list_sessions, crate::routes::charging::get_session,
        crate::routes::charge_point_operations::sync_local_list, crate::routes::charge_point_operations::reserve,
        crate::routes::charge_point_operations::cancel_reservation, crate::routes::charge_point_operations::set_profile,
        crate::routes::charge_point_operations::clear_profiles, crate::routes::charge_point_operations::composite_schedule,
        crate::routes::charging::set_registration,
        crate::routes::id_tags::list, crate::routes::id_tags::get, crate::routes::id_tags::put,
        crate::routes::id_tags::delete,
    ),
    components(schemas(error::ErrorBody, error::ErrorDetail, crate::routes::commands::IssueBody)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "iam", description = "Identity, API keys and the audit log"),
        (name = "events", description = "Outbox dead letters"),
        (name = "masterdata", description = "Stations, devices, point mappings and the point catalogue"),
        (name = "ingest", description = "ThingsBoard integrations and telemetry ingest"),
        (name = "telemetry", description = "Stored telemetry and latest values"),
        (name = "analytics", description = "Energy statistics in station time, window closing, recompute jobs"),
        (name = "settlement", description = "Tariffs, daily settlements, statements and exports"),
        (name = "alarms", description = "Alarm rules, alarms, their history and stream"),
        (name = "notifications", description = "Notification channels and deliveries"),
        (name = "shadow-runs", description = "Shadow runs: strategies replayed over history with a simulated battery"),
        (name = "strategies", description = "Strategies per station, their versions and executions"),
        (name = "commands", description = "Device commands through ThingsBoard RPC: issue, list, cancel"),
        (name = "charging", description = "OCPP charge points (and their adoption), charging sessions, id tags"),
    )
)]
pub struct ApiDoc;

/// Adds the `bearer` (JWT) and `api_key` security schemes.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
        components
            .add_security_scheme("api_key", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Api-Key"))));
    }
}
