//! `/healthz` (alive), `/readyz` (database, migrations, outbox lag) and `/metrics`.

use crate::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use mgc_eventing::{publish_outbox_gauges, OutboxStore};
use serde::Serialize;
use utoipa::ToSchema;

/// Liveness answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Alive {
    /// Always `ok`.
    pub status: &'static str,
}

/// Readiness answer with each check.
#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// `ready` or `not_ready`.
    pub status: &'static str,
    /// Database reachable.
    pub database: bool,
    /// All migrations of this build applied.
    pub migrations: bool,
    /// Age of the oldest due, undelivered event (seconds), when known.
    pub outbox_lag_seconds: Option<f64>,
    /// Lag above which the service reports not ready.
    pub outbox_lag_limit_seconds: f64,
    /// Why not ready, when not.
    pub problems: Vec<String>,
}

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Alive)))]
pub async fn healthz() -> Json<Alive> {
    Json(Alive { status: "ok" })
}

/// The service can take traffic: database reachable, migrations applied, outbox keeping up.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = Readiness), (status = 503, body = Readiness)))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    let mut problems = Vec::new();
    let database = match state.store.ping().await {
        Ok(()) => true,
        Err(e) => {
            problems.push(format!("database: {e}"));
            false
        }
    };
    let migrations = match state.store.migration_status().await {
        Ok(s) if s.up_to_date() => true,
        Ok(s) => {
            problems.push(format!("migrations pending: applied {:?}, known {:?}", s.applied, s.known));
            false
        }
        Err(e) => {
            problems.push(format!("migrations: {e}"));
            false
        }
    };
    let limit = state.config.ready_max_outbox_lag_secs;
    let lag = match state.store.stats(state.clock.now()).await {
        Ok(stats) => Some(stats.lag_seconds),
        Err(e) => {
            problems.push(format!("outbox: {e}"));
            None
        }
    };
    if let Some(l) = lag.filter(|l| *l > limit) {
        problems.push(format!("outbox lag {l:.1} s exceeds {limit} s"));
    }
    let ready = problems.is_empty();
    let body = Readiness {
        status: if ready { "ready" } else { "not_ready" },
        database,
        migrations,
        outbox_lag_seconds: lag,
        outbox_lag_limit_seconds: limit,
        problems,
    };
    let code = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (code, Json(body)).into_response()
}

/// Prometheus exposition; outbox and pool gauges are refreshed on each scrape.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    match state.store.stats(state.clock.now()).await {
        Ok(stats) => publish_outbox_gauges(&stats),
        Err(e) => tracing::warn!(error = %e, "outbox figures unavailable for /metrics"),
    }
    let (idle, active) = state.store.pool_figures();
    metrics::gauge!("mgc_db_pool_connections", "state" => "idle").set(f64::from(idle));
    metrics::gauge!("mgc_db_pool_connections", "state" => "active").set(f64::from(active));
    state.metrics.run_upkeep();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render()).into_response()
}
