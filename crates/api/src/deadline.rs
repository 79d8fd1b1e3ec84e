//! The request deadline: a request whose answer is not ready in time gets a 503
//! `request_timeout` with `Retry-After` instead of keeping its client waiting.
//!
//! Only the wait for the response head is bounded; a stream already answering (SSE) goes on.
//! Ingest stays truthful: a batch answered 503 here may still be committed by the group
//! committer if it was already in a transaction (never acknowledged as stored without being so).

use crate::{ApiError, AppState};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Runs the request under `config.request_timeout`.
pub async fn enforce(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = state.config.request_timeout;
    let path = req.uri().path().to_owned();
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%path, limit_ms = limit.as_millis() as u64, "request deadline passed");
            metrics::counter!("mgc_http_deadline_exceeded_total").increment(1);
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "request_timeout",
                format!("the request did not finish within {} ms; retry later", limit.as_millis()),
            )
            .into_response()
        }
    }
}
