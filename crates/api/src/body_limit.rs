//! Reads every request body before routing, so that each route sees at most
//! [`MAX_BODY_BYTES`]: a larger body is answered with 413
//! `payload_too_large` in the JSON error shape, also on routes that take no body, and the
//! body is consumed first so a client still sending reads that answer instead of a reset.

use crate::router::MAX_BODY_BYTES;
use crate::ApiError;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use std::time::Duration;

/// Bytes of an oversized body read and discarded before the 413 is sent.
const DRAIN_BYTES: usize = 4 * MAX_BODY_BYTES;
/// Longest time spent discarding an oversized body.
const DRAIN_TIME: Duration = Duration::from_secs(5);

/// The middleware: buffers the body (bounded) or answers 413.
pub async fn limit(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return too_large(body, 0).await;
    }
    match read(body).await {
        Ok(Read::Whole(bytes)) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Ok(Read::TooLarge(rest, seen)) => too_large(rest, seen).await,
        Err(e) => e.into_response(),
    }
}

enum Read {
    Whole(Bytes),
    TooLarge(Body, usize),
}

async fn read(mut body: Body) -> Result<Read, ApiError> {
    let mut buf = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| ApiError::bad_request("invalid_body", format!("cannot read the body: {e}")))?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > MAX_BODY_BYTES {
                return Ok(Read::TooLarge(body, buf.len() + data.len()));
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(Read::Whole(Bytes::from(buf)))
}

/// Discards what the client still sends (bounded in bytes and time), then answers 413 and
/// closes the connection.
async fn too_large(mut body: Body, mut seen: usize) -> Response {
    let drain = async {
        while seen < DRAIN_BYTES {
            match body.frame().await {
                Some(Ok(frame)) => seen += frame.data_ref().map_or(0, |d| d.len()),
                _ => break,
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIME, drain).await;
    let message = format!("request body is larger than {MAX_BODY_BYTES} bytes");
    let mut response = ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message).into_response();
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
