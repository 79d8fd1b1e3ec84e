//! The optional bearer token of `/metrics` (Prometheus' `authorization` setting), compared in
//! constant time.

use crate::ApiError;
use axum::http::{header, HeaderMap, StatusCode};
use subtle::ConstantTimeEq;

/// Ok when no token is configured or the request carries `Authorization: Bearer <token>`.
pub fn check(expected: Option<&str>, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = expected else { return Ok(()) };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    match presented {
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "missing_credentials",
            "/metrics needs 'Authorization: Bearer <metrics_token>'",
        )),
        Some(token) if bool::from(token.as_bytes().ct_eq(expected.as_bytes())) => Ok(()),
        Some(_) => {
            Err(ApiError::new(StatusCode::UNAUTHORIZED, "invalid_metrics_token", "the metrics token does not match"))
        }
    }
}
