//! `POST /ingest/thingsboard/telemetry`: signed (or static-secret) telemetry from ThingsBoard.
//!
//! The tenant comes from the integration, never from the body. The request is answered only
//! after its points are committed; a rejected request stores nothing.

use crate::ingest::{CommitError, IngestJob};
use crate::{ApiError, AppState};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use mgc_adapter_thingsboard::route_batch;
use mgc_iam::{IngestAuthError, Integration};
use mgc_kernel::IntegrationId;
use mgc_telemetry::domain::payload::{codes, parse_thingsboard, IngestContext, PayloadError, Skipped, TimeLimits};
use mgc_telemetry::BatchInput;
use serde::Serialize;
use utoipa::ToSchema;

/// What was done with the request.
#[derive(Debug, Serialize, ToSchema)]
pub struct IngestResponse {
    /// Points of known devices accepted.
    pub accepted: u64,
    /// Of those, new.
    pub new: u64,
    /// Of those, same key with a changed value.
    pub changed: u64,
    /// Of those, already stored as they are.
    pub duplicate: u64,
    /// Points of unknown devices kept in quarantine.
    pub quarantined: u64,
    /// Entries skipped (path and reason), e.g. null values.
    #[schema(value_type = Vec<Object>)]
    pub skipped: Vec<Skipped>,
}

pub(crate) fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty())
}

fn unauthorized(e: IngestAuthError) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, e.code(), e.to_string())
}

fn payload_error(e: PayloadError) -> ApiError {
    let status =
        if e.code == codes::MALFORMED_JSON { StatusCode::BAD_REQUEST } else { StatusCode::UNPROCESSABLE_ENTITY };
    ApiError::new(status, e.code, e.to_string())
}

/// Checks the request's credentials against `integration`; returns the signature to remember
/// (signed mode) or None (static mode).
fn authenticate(
    integration: &Integration,
    headers: &HeaderMap,
    body: &[u8],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<String>, IngestAuthError> {
    match (header(headers, "x-signature"), header(headers, "x-timestamp"), header(headers, "x-integration-secret")) {
        (Some(signature), Some(timestamp), _) => {
            integration.verify_signed(timestamp, body, signature, now)?;
            Ok(Some(signature.to_ascii_lowercase()))
        }
        (None, None, Some(secret)) => {
            integration.verify_static(secret, now)?;
            Ok(None)
        }
        _ => Err(IngestAuthError::MissingCredentials),
    }
}

/// Authenticates an integration request (signed or static secret) and returns the integration
/// and the signature to remember (signed mode). Shared by every `/ingest/thingsboard/*` endpoint.
pub(crate) async fn authenticate_integration(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Integration, Option<String>), ApiError> {
    let id: IntegrationId = header(headers, "x-integration-id")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| unauthorized(IngestAuthError::MissingCredentials))?;
    // A cached integration that does not verify is looked up again (its secret may have been
    // rotated on another instance) before the request is refused.
    let mut fresh = false;
    loop {
        let integration = state
            .ingest
            .integration(&state.store, id, fresh)
            .await?
            .ok_or_else(|| unauthorized(IngestAuthError::UnknownIntegration))?;
        match authenticate(&integration, headers, body, now) {
            Ok(signature) => return Ok((integration, signature)),
            Err(e) if fresh || matches!(e, IngestAuthError::MissingCredentials) => return Err(unauthorized(e)),
            Err(_) => fresh = true,
        }
    }
}

/// Accepts every body shape ThingsBoard sends (see the telemetry payload docs).
#[utoipa::path(post, path = "/ingest/thingsboard/telemetry", tag = "ingest",
    params(("X-Integration-Id" = String, Header, description = "integration id"),
           ("X-Timestamp" = Option<String>, Header, description = "unix seconds (signed mode)"),
           ("X-Signature" = Option<String>, Header, description = "sha256=<hex HMAC-SHA256(secret, timestamp + \".\" + body)>"),
           ("X-Integration-Secret" = Option<String>, Header, description = "static mode, when the integration allows it"),
           ("X-Device-Name" = Option<String>, Header, description = "device of flat bodies"),
           ("X-Device-Type" = Option<String>, Header, description = "ThingsBoard device type"),
           ("X-Ts" = Option<String>, Header, description = "epoch ms of flat bodies")),
    request_body(content = Object, description = "flat object, {ts, values}, arrays of them, the deduplication node's [{msg, metadata}], or [{device, ts, values}]"),
    responses((status = 200, body = IngestResponse), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn telemetry(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<IngestResponse>, ApiError> {
    let body = body.map_err(|r| ApiError::new(r.status(), "payload_too_large", r.body_text()))?;
    let now = state.clock.now();
    let (integration, signature) = authenticate_integration(&state, &headers, &body, now).await?;
    let id = integration.id;
    let ctx = IngestContext {
        device_name: header(&headers, "x-device-name").map(str::to_owned),
        device_type: header(&headers, "x-device-type").map(str::to_owned),
        ts: header(&headers, "x-ts").map(str::to_owned),
        received_at: now,
    };
    let batch = parse_thingsboard(&body, &ctx, &TimeLimits::default()).map_err(payload_error)?;
    let skipped = batch.skipped.clone();
    let routed = route_batch(&state.store, &state.ingest.routes, &integration.tenant, batch).await?;
    let job = IngestJob {
        integration: id,
        signature,
        batch: BatchInput {
            tenant: integration.tenant.clone(),
            points: routed.stored,
            unrouted: routed.unrouted,
            received_at: now,
        },
    };
    let report = state.ingest.committer.submit(job).await.map_err(|e| match e {
        CommitError::Replayed => unauthorized(IngestAuthError::Replayed),
        CommitError::Store(e) => ApiError::from(e),
        CommitError::Unavailable => {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "shutting_down", "ingest is shutting down; retry")
        }
    })?;
    metrics::counter!("mgc_ingest_points_total", "outcome" => "new").increment(report.stored.new);
    metrics::counter!("mgc_ingest_points_total", "outcome" => "changed").increment(report.stored.changed);
    metrics::counter!("mgc_ingest_points_total", "outcome" => "duplicate").increment(report.stored.duplicate);
    metrics::counter!("mgc_ingest_points_total", "outcome" => "quarantined").increment(report.quarantined);
    Ok(Json(IngestResponse {
        accepted: report.accepted,
        new: report.stored.new,
        changed: report.stored.changed,
        duplicate: report.stored.duplicate,
        quarantined: report.quarantined,
        skipped,
    }))
}
