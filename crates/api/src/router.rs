//! Assembles the full HTTP application.

use crate::openapi::ApiDoc;
use crate::routes::{
    analytics, api_keys, audit, dead_letters, ingest, integrations, masterdata, masterdata_edit, me, remap,
    settlements, statements, tariffs, telemetry,
};
use crate::{auth, health, http_metrics, ApiError, AppState};
use axum::extract::DefaultBodyLimit;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;

/// Largest request body accepted (bytes).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// The complete router: `/api/v1/*` (authenticated, audited), operations endpoints, OpenAPI, and
/// the operator console (`/`) with the API reference (`/docs`).
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/api/v1/me", get(me::me))
        .route("/api/v1/collector/sources", get(crate::routes::collector::list))
        .route("/api/v1/api-keys", post(api_keys::create).get(api_keys::list))
        .route("/api/v1/api-keys/{id}", get(api_keys::get).delete(api_keys::revoke))
        .route("/api/v1/audit", get(audit::list))
        .route("/api/v1/events/dead-letters", get(dead_letters::list))
        .route("/api/v1/events/dead-letters/{id}/replay", post(dead_letters::replay))
        .route("/api/v1/provisioning/stations", post(masterdata::provision))
        .route("/api/v1/stations", get(masterdata::list_stations))
        .route(
            "/api/v1/stations/{id}",
            get(masterdata::get_station).patch(masterdata_edit::patch_station).delete(masterdata_edit::delete_station),
        )
        .route("/api/v1/devices", get(masterdata::list_devices))
        .route(
            "/api/v1/devices/{id}",
            get(masterdata::get_device).patch(masterdata_edit::patch_device).delete(masterdata_edit::delete_device),
        )
        .route("/api/v1/devices/{id}/unmapped-keys", get(masterdata::unmapped_keys))
        .route("/api/v1/devices/{id}/remap", post(remap::remap))
        .route("/api/v1/point-mappings", get(masterdata::list_mappings))
        .route("/api/v1/point-mappings/{scope}", axum::routing::put(masterdata::set_scope_mappings))
        .route("/api/v1/points", get(masterdata::points))
        .route("/api/v1/integrations", post(integrations::create).get(integrations::list))
        .route("/api/v1/integrations/{id}", axum::routing::patch(integrations::update))
        .route("/api/v1/integrations/{id}/rotate", post(integrations::rotate))
        .route("/api/v1/telemetry", get(telemetry::raw))
        .route("/api/v1/telemetry/latest", get(telemetry::latest))
        .route("/api/v1/telemetry/unrouted", get(telemetry::unrouted))
        .route("/api/v1/stats", get(analytics::stats))
        .route("/api/v1/analytics/window-close", post(analytics::window_close))
        .route("/api/v1/analytics/recompute", post(analytics::recompute))
        .route("/api/v1/jobs/{id}", get(analytics::job))
        .route("/api/v1/tariffs", post(tariffs::create).get(tariffs::list))
        .route("/api/v1/tariffs/{id}", get(tariffs::get).put(tariffs::update).delete(tariffs::delete))
        .route("/api/v1/stations/{id}/tariff", get(tariffs::assignments).put(tariffs::assign))
        .route("/api/v1/settlements", get(settlements::list))
        .route("/api/v1/settlements/{id}", get(settlements::get))
        .route("/api/v1/settlements/{id}/freeze", post(settlements::freeze))
        .route("/api/v1/exports/settlements.csv", get(settlements::export_csv))
        .route("/api/v1/statements", get(statements::list))
        .route("/api/v1/statements/generate", post(statements::generate))
        .route("/api/v1/statements/{id}", get(statements::get))
        .route("/api/v1/statements/{id}/issue", post(statements::issue))
        .route("/api/v1/statements/{id}/void", post(statements::void))
        .merge(crate::routes::alarm_routes())
        .merge(crate::routes::shadow_routes())
        .merge(crate::routes::strategy_routes())
        .merge(crate::routes::command_routes())
        .merge(crate::routes::charging_routes())
        .merge(crate::routes::third_party_routes())
        .layer(middleware::from_fn_with_state(state.clone(), auth::authenticate_and_audit));
    let operations = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/api/openapi.json", get(openapi_json))
        .route("/ingest/thingsboard/telemetry", post(ingest::telemetry))
        .route("/ingest/thingsboard/rpc", post(crate::routes::ingest_rpc::rpc));
    Router::new()
        .merge(api)
        .merge(operations)
        .merge(crate::console::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(crate::body_limit::limit))
        .layer(middleware::from_fn_with_state(state.clone(), crate::deadline::enforce))
        .layer(middleware::from_fn(http_metrics::track))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CatchPanicLayer::custom(|_| ApiError::internal().into_response()))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

async fn not_found(uri: axum::http::Uri) -> Response {
    ApiError::not_found(format!("no route for {}", uri.path())).into_response()
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} is not allowed on {}", uri.path()),
    )
    .into_response()
}
