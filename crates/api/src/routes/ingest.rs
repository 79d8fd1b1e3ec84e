//! `POST /ingest/thingsboard/telemetry`: signed (or static-secret) telemetry from ThingsBoard.
//!
//! The tenant comes from the integration, never from the body. The request is answered only
//! after its points are committed; a rejected request stores nothing.

use crate::refusal_audit::ingest_refused;
use crate::{ApiError, AppState};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use mgc_adapter_thingsboard::payload::Skipped;
use mgc_adapter_thingsboard::{IngestCredentials, TelemetryReceipt, TelemetryRequest};
use mgc_iam::SignedRequest;
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
    #[schema(value_type = Vec<crate::routes::ingest_views::SkippedView>)]
    pub skipped: Vec<Skipped>,
}

/// Path of this endpoint (signed as part of the v2 canonical request).
pub const PATH: &str = "/ingest/thingsboard/telemetry";

pub(crate) fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty())
}

/// The integration credentials of an `/ingest/thingsboard/*` request.
pub(crate) fn credentials(headers: &HeaderMap) -> IngestCredentials<'_> {
    IngestCredentials {
        integration_id: header(headers, "x-integration-id"),
        signature: header(headers, "x-signature"),
        timestamp: header(headers, "x-timestamp"),
        static_secret: header(headers, "x-integration-secret"),
    }
}

/// What the signature of an `/ingest/thingsboard/*` request covers (v2).
pub(crate) fn signed<'a>(headers: &'a HeaderMap, path: &'a str, body: &'a [u8]) -> SignedRequest<'a> {
    SignedRequest::new("POST", path, |name| header(headers, name), body)
}

/// Accepts every body shape ThingsBoard sends (see the telemetry payload docs).
#[utoipa::path(post, path = "/ingest/thingsboard/telemetry", operation_id = "ingest_thingsboard_telemetry", tag = "ingest",
    params(("X-Integration-Id" = String, Header, description = "integration id"),
           ("X-Timestamp" = Option<String>, Header, description = "unix seconds (signed mode)"),
           ("X-Signature" = Option<String>, Header, description = "v2=<hex HMAC-SHA256(secret, canonical request)> (see docs/api.md); legacy sha256= only where the integration allows it"),
           ("X-Integration-Secret" = Option<String>, Header, description = "static mode, when the integration allows it"),
           ("X-Device-Name" = Option<String>, Header, description = "device of flat bodies"),
           ("X-Device-Type" = Option<String>, Header, description = "ThingsBoard device type"),
           ("X-Ts" = Option<String>, Header, description = "epoch ms of flat bodies")),
    request_body(content = crate::routes::ingest_views::TelemetryBody, description = "flat object, {ts, values}, arrays of them, the deduplication node's [{msg, metadata}], or [{device, ts, values}]"),
    responses((status = 200, body = IngestResponse), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody, description = "storage_unavailable or shutting_down: nothing was stored; retry after Retry-After")))]
pub async fn telemetry(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<IngestResponse>, ApiError> {
    let body = body.map_err(|r| ApiError::new(r.status(), "payload_too_large", r.body_text()))?;
    let request = TelemetryRequest { credentials: credentials(&headers), request: signed(&headers, PATH, &body) };
    let TelemetryReceipt { report, skipped } = match state.ingest.ingest_telemetry(request).await {
        Ok(receipt) => receipt,
        Err(e) => return Err(ingest_refused(&state, &headers, PATH, e).await),
    };
    Ok(Json(IngestResponse {
        accepted: report.accepted,
        new: report.stored.new,
        changed: report.stored.changed,
        duplicate: report.stored.duplicate,
        quarantined: report.quarantined,
        skipped,
    }))
}
