//! Extractors that turn every client mistake into an [`ApiError`] instead of axum's plain text.

use crate::ApiError;
use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use mgc_kernel::page::PageRequest;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::str::FromStr;
use utoipa::IntoParams;

/// JSON body; malformed JSON → 400, wrong fields → 422, a NUL character anywhere → 422 (no
/// backend can store it in text), wrong content type → 415.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json_content_type(req.headers()) {
            return Err(json_rejection(JsonRejection::MissingJsonContentType(Default::default())));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|r| ApiError::new(r.status(), "payload_too_large", r.body_text()))?;
        parse_json(bytes).map(ApiJson)
    }
}

/// A JSON body that may be left out: no body (empty or only white space, with or without a
/// content type) or a JSON `null` is `T::default()`; any other body is read as [`ApiJson`] reads it.
#[derive(Debug, Clone, Copy, Default)]
pub struct OptionalJson<T>(pub T);

impl<S, T> FromRequest<S> for OptionalJson<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = is_json_content_type(req.headers());
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|r| ApiError::new(r.status(), "payload_too_large", r.body_text()))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        if !json {
            return Err(json_rejection(JsonRejection::MissingJsonContentType(Default::default())));
        }
        if bytes.trim_ascii() == b"null" {
            return Ok(OptionalJson(T::default()));
        }
        parse_json(bytes).map(OptionalJson)
    }
}

fn parse_json<T: DeserializeOwned>(bytes: Bytes) -> Result<T, ApiError> {
    reject_nul(&bytes)?;
    reject_non_object(&bytes)?;
    let bytes = integral_numbers_as_integers(bytes);
    match Json::<T>::from_bytes(&bytes) {
        Ok(Json(v)) => Ok(v),
        Err(rejection) => Err(json_rejection(rejection)),
    }
}

/// 422 `invalid_body` when the body is JSON but not an object: every body of this API is one, and
/// serde would otherwise read a struct from an array of its field values.
pub(crate) fn reject_non_object(bytes: &[u8]) -> Result<(), ApiError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'{') {
        return Ok(());
    }
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(v) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            format!("the body must be a JSON object, not {}", json_kind(&v)),
        )),
        // Not JSON at all: the deserializer names the syntax error (400 malformed_json).
        Err(_) => Ok(()),
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Null => "null",
        serde_json::Value::Object(_) => "an object",
    }
}

/// The body with every integer-valued number written as a float (`7.0`, `1e3`) rewritten as an
/// integer: JSON Schema counts those as integers, so a client generated from the OpenAPI document
/// may send them where an integer is asked for, and serde's integer types refuse them. Fractions,
/// floats beyond 2^53 and text that is not JSON are left for the deserializer to judge.
fn integral_numbers_as_integers(bytes: Bytes) -> Bytes {
    fn rewrite(v: &mut serde_json::Value) -> bool {
        match v {
            serde_json::Value::Number(n) if !n.is_i64() && !n.is_u64() => match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 => {
                    *v = serde_json::Value::from(f as i64);
                    true
                }
                _ => false,
            },
            serde_json::Value::Array(items) => items.iter_mut().fold(false, |changed, i| rewrite(i) | changed),
            serde_json::Value::Object(map) => map.values_mut().fold(false, |changed, i| rewrite(i) | changed),
            _ => false,
        }
    }
    if !bytes.iter().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        return bytes;
    }
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&bytes) else { return bytes };
    if !rewrite(&mut value) {
        return bytes;
    }
    serde_json::to_vec(&value).map_or(bytes, Bytes::from)
}

/// `application/json` or any `application/*+json`, as axum's own `Json` accepts.
fn is_json_content_type(headers: &HeaderMap) -> bool {
    let Some(ct) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// True when a JSON text holds an escaped NUL (`\u0000`) in a string or key; a backslash only
/// occurs inside strings, and each escape is skipped whole so `\\u0000` (a literal text) is not one.
#[must_use]
pub fn has_escaped_nul(json: &[u8]) -> bool {
    let mut i = 0;
    while i < json.len() {
        if json[i] == b'\\' {
            if json.get(i + 1) == Some(&b'u') && json.get(i + 2..i + 6) == Some(b"0000".as_slice()) {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// 422 `invalid_value` when the body holds a NUL character.
pub fn reject_nul(json: &[u8]) -> Result<(), ApiError> {
    if has_escaped_nul(json) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
            "the body contains a NUL character (\\u0000) in a string; text with NUL cannot be stored",
        ));
    }
    Ok(())
}

fn json_rejection(r: JsonRejection) -> ApiError {
    match &r {
        JsonRejection::JsonSyntaxError(_) => ApiError::bad_request("malformed_json", r.body_text()),
        JsonRejection::JsonDataError(_) => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", r.body_text())
        }
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "expected 'Content-Type: application/json'",
        ),
        _ if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", r.body_text())
        }
        _ => ApiError::bad_request("invalid_body", r.body_text()),
    }
}

/// Query string; anything that does not parse → 400 `invalid_query`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(r) => Err(query_rejection(r)),
        }
    }
}

fn query_rejection(r: QueryRejection) -> ApiError {
    ApiError::bad_request("invalid_query", r.body_text())
}

/// `?limit=&cursor=` of every list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Items per page (1..=500, default 50).
    pub limit: Option<u32>,
    /// Cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

impl ListQuery {
    /// Validates into a page request.
    pub fn page(self) -> Result<PageRequest, ApiError> {
        // Every cursor this service hands out is the id of the last item of a page.
        if let Some(c) = self.cursor.as_deref().filter(|c| !c.is_empty()) {
            if uuid::Uuid::parse_str(c).is_err() {
                return Err(ApiError::bad_request(
                    "invalid_query",
                    format!("cursor '{c}' is not one this service returned"),
                ));
            }
        }
        PageRequest::new(self.limit, self.cursor).map_err(|m| ApiError::bad_request("invalid_query", m))
    }
}

/// Parses a path id, naming the bad value on failure (400 `invalid_id`).
pub fn parse_id<T: FromStr>(raw: &str, what: &str) -> Result<T, ApiError> {
    raw.parse().map_err(|_| ApiError::bad_request("invalid_id", format!("'{raw}' is not a valid {what} id")))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::{has_escaped_nul, integral_numbers_as_integers, reject_non_object};
    use axum::body::Bytes;

    #[test]
    fn given_json_texts_when_scanned_then_only_real_nul_escapes_count() {
        assert!(has_escaped_nul(br#"{"m": "a\u0000b"}"#));
        assert!(has_escaped_nul(br#"{"a\u0000": 1}"#));
        assert!(!has_escaped_nul(br#"{"m": "a\\u0000b"}"#), "an escaped backslash then u0000 is text");
        assert!(has_escaped_nul(br#"{"m": "\\\u0000"}"#), "backslash, then a NUL");
        assert!(!has_escaped_nul(br#"{"m": "u0000"}"#));
    }

    #[test]
    fn given_a_json_body_that_is_not_an_object_then_refused_and_broken_json_is_left_to_the_parser() {
        assert!(reject_non_object(br#"  {"a": 1}"#).is_ok());
        for not_object in [&b"[1, 2]"[..], b"\"x\"", b"7", b"null", b"true"] {
            let err = reject_non_object(not_object).unwrap_err();
            assert_eq!(err.code, "invalid_body");
        }
        assert!(reject_non_object(b"[1,").is_ok(), "a syntax error is the deserializer's to name");
    }

    #[test]
    fn given_integral_floats_then_they_become_integers_and_fractions_stay() {
        let out = integral_numbers_as_integers(Bytes::from_static(br#"{"a": 7.0, "b": [1e3, 2.5], "c": "7.0"}"#));
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v, serde_json::json!({"a": 7, "b": [1000, 2.5], "c": "7.0"}));
        let untouched = Bytes::from_static(br#"{"a": 7, "b": "x"#);
        assert_eq!(integral_numbers_as_integers(untouched.clone()), untouched);
        assert!(!has_escaped_nul(br#"{"m": "\u0001 \n"}"#));
    }
}
