//! `/healthz` (alive), `/readyz` (database, migrations, outbox lag) and `/metrics`.

use crate::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use mgc_eventing::{publish_outbox_gauges, OutboxStore};
use mgc_kernel::RepoError;
use serde::Serialize;
use std::time::Duration;
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
#[utoipa::path(get, path = "/healthz", operation_id = "healthz", tag = "operations", responses((status = 200, body = Alive)))]
pub async fn healthz() -> Json<Alive> {
    Json(Alive { status: "ok" })
}

/// The service can take traffic: database reachable for reads and writes, writes committing,
/// migrations applied, outbox keeping up. Answers within `ready_timeout` even when storage hangs.
#[utoipa::path(get, path = "/readyz", operation_id = "readyz", tag = "operations",
    responses((status = 200, body = Readiness), (status = 503, body = Readiness)))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    let deadline = state.config.ready_timeout;
    let mut problems = Vec::new();
    // The checks run together, so the answer comes within one deadline.
    let now = state.clock.now();
    let (reads, writes, migration_status, outbox) = tokio::join!(
        within(deadline, "reads", state.store.ping()),
        within(deadline, "writes", state.store.ping_writer()),
        within(deadline, "migrations", state.store.migration_status()),
        within(deadline, "outbox", state.store.stats(now)),
    );
    let mut database = true;
    for outcome in [reads, writes] {
        if let Err(problem) = outcome {
            problems.push(format!("database: {problem}"));
            database = false;
        }
    }
    let health = state.store.write_health();
    if health.consecutive_failures >= state.config.ready_max_write_failures {
        problems.push(format!(
            "storage: the last {} units of work failed to commit ({})",
            health.consecutive_failures,
            health.last_error.as_deref().unwrap_or("unknown error")
        ));
        database = false;
    }
    let migrations = match migration_status {
        Ok(s) if s.up_to_date() => true,
        Ok(s) => {
            problems.push(format!("migrations pending: applied {:?}, known {:?}", s.applied, s.known));
            false
        }
        Err(problem) => {
            problems.push(format!("migrations: {problem}"));
            false
        }
    };
    let limit = state.config.ready_max_outbox_lag_secs;
    let lag = match outbox {
        Ok(stats) => Some(stats.lag_seconds),
        Err(problem) => {
            problems.push(format!("outbox: {problem}"));
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

/// Runs one readiness check with the deadline; a timeout or an error becomes its problem text.
async fn within<T>(
    deadline: Duration,
    what: &str,
    check: impl std::future::Future<Output = Result<T, RepoError>>,
) -> Result<T, String> {
    match tokio::time::timeout(deadline, check).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("{what} check did not answer within {} ms", deadline.as_millis())),
    }
}

/// Prometheus exposition; outbox, pool and process gauges are refreshed on each scrape.
#[utoipa::path(get, path = "/metrics", operation_id = "metrics", tag = "operations", responses((status = 200, content_type = "text/plain", body = String, description = "Prometheus text exposition format"),
    (status = 401, body = crate::error::ErrorBody, description = "metrics_token is configured and the bearer token is missing or wrong")))]
pub async fn metrics(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Err(refused) = crate::metrics_token::check(state.config.metrics_token.as_deref(), &headers) {
        return refused.into_response();
    }
    match state.store.stats(state.clock.now()).await {
        Ok(stats) => publish_outbox_gauges(&stats),
        Err(e) => tracing::warn!(error = %e, "outbox figures unavailable for /metrics"),
    }
    let (idle, active) = state.store.pool_figures();
    metrics::gauge!("mgc_db_pool_connections", "state" => "idle").set(f64::from(idle));
    metrics::gauge!("mgc_db_pool_connections", "state" => "active").set(f64::from(active));
    crate::http_metrics::collect_process();
    state.metrics.run_upkeep();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render()).into_response()
}
