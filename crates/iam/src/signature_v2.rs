//! Ingest signature v2: `X-Signature: v2=<hex HMAC-SHA256(secret, canonical)>`, where the
//! canonical string binds the method, the path, the timestamp, every header that routes or
//! times the data (absent = empty value) and the body:
//!
//! ```text
//! MGC-HMAC-V2\n<METHOD>\n<path>\n<X-Timestamp>\nx-device-name:<v>\nx-device-type:<v>\nx-ts:<v>\nx-rpc-id:<v>\nx-rpc-status:<v>\n<body>
//! ```
//!
//! Header values are taken trimmed, as the service reads them. docs/api.md has a worked example.

use crate::hmac_signature::{mac_over, verify_hex, HmacError};
use hmac::Mac;

/// The headers a v2 signature covers, in canonical order (they route or time the data).
pub const SIGNED_HEADERS: [&str; 5] = ["x-device-name", "x-device-type", "x-ts", "x-rpc-id", "x-rpc-status"];

/// Prefix of a v2 `X-Signature` value.
pub const V2_PREFIX: &str = "v2=";

/// What a v2 signature covers of one request (besides the timestamp).
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    /// HTTP method, e.g. `POST`.
    pub method: &'a str,
    /// Path as the service receives it, e.g. `/ingest/thingsboard/telemetry`.
    pub path: &'a str,
    /// Trimmed values of [`SIGNED_HEADERS`], in that order; None when absent or empty.
    pub headers: [Option<&'a str>; 5],
    /// The raw body.
    pub body: &'a [u8],
}

impl<'a> SignedRequest<'a> {
    /// A request whose signed headers are read with `header` (a lowercase name in, trimmed value out).
    pub fn new(method: &'a str, path: &'a str, header: impl Fn(&str) -> Option<&'a str>, body: &'a [u8]) -> Self {
        let headers = SIGNED_HEADERS.map(|name| header(name).map(str::trim).filter(|v| !v.is_empty()));
        Self { method, path, headers, body }
    }

    /// The value of a signed header (`name` lowercase), as covered by the signature.
    pub fn header(&self, name: &str) -> Option<&'a str> {
        SIGNED_HEADERS.iter().position(|h| *h == name).and_then(|i| self.headers[i])
    }

    /// The canonical bytes signed for `timestamp`.
    pub fn canonical(&self, timestamp: &str) -> Vec<u8> {
        let mut out = format!("MGC-HMAC-V2\n{}\n{}\n{}\n", self.method, self.path, timestamp.trim()).into_bytes();
        for (name, value) in SIGNED_HEADERS.iter().zip(self.headers) {
            out.extend_from_slice(format!("{name}:{}\n", value.unwrap_or_default()).as_bytes());
        }
        out.extend_from_slice(self.body);
        out
    }
}

/// `v2=<hex>` signature of `request` at `timestamp`.
pub fn sign_v2(secret: &[u8], timestamp: &str, request: &SignedRequest<'_>) -> String {
    let mac = mac_over(secret, &[&request.canonical(timestamp)]);
    format!("{V2_PREFIX}{}", hex::encode(mac.finalize().into_bytes()))
}

/// `v2=<hex>` signature of a `POST` to `path` carrying `headers` (name, value; any case) and
/// `body`: what a client (the simulator, tests) sends as `X-Signature`.
pub fn sign_post(secret: &[u8], path: &str, timestamp: &str, headers: &[(&str, &str)], body: &[u8]) -> String {
    let request = SignedRequest::new(
        "POST",
        path,
        |name| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| *v),
        body,
    );
    sign_v2(secret, timestamp, &request)
}

/// Verifies a `v2=<hex>` header in constant time.
pub fn verify_v2(secret: &[u8], timestamp: &str, request: &SignedRequest<'_>, header: &str) -> Result<(), HmacError> {
    verify_hex(mac_over(secret, &[&request.canonical(timestamp)]), header, V2_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> {
        move |name| pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| *v)
    }

    const BODY: &[u8] = br#"{"P":12.5}"#;

    /// The worked example of docs/api.md ("Signing ingest requests").
    #[test]
    fn given_documented_example_when_signed_then_matches_the_test_vector() {
        let pairs = [("X-Device-Name", "meter-1"), ("X-Ts", "1700000000000")];
        let r = SignedRequest::new("POST", "/ingest/thingsboard/telemetry", lookup(&pairs), BODY);
        assert_eq!(
            String::from_utf8(r.canonical("1700000000")).unwrap(),
            "MGC-HMAC-V2\nPOST\n/ingest/thingsboard/telemetry\n1700000000\nx-device-name:meter-1\nx-device-type:\nx-ts:1700000000000\nx-rpc-id:\nx-rpc-status:\n{\"P\":12.5}"
        );
        assert_eq!(
            sign_v2(b"s3cret", "1700000000", &r),
            "v2=59d29d5a77f95b992da1958dc8ca9faf0df8d8767df2985ff113b2601e654368"
        );
    }

    #[test]
    fn given_v2_signature_when_path_or_routing_header_changes_then_mismatch() {
        let pairs = [("x-device-name", "meter-1")];
        let r = SignedRequest::new("POST", "/ingest/thingsboard/rpc", lookup(&pairs), BODY);
        let sig = sign_v2(b"k", "1", &r);
        assert_eq!(verify_v2(b"k", "1", &r, &sig), Ok(()));
        let other_path = SignedRequest { path: "/ingest/thingsboard/telemetry", ..r };
        assert_eq!(verify_v2(b"k", "1", &other_path, &sig), Err(HmacError::Mismatch));
        let other_device = SignedRequest::new("POST", r.path, lookup(&[("x-device-name", "pv-1")]), BODY);
        assert_eq!(verify_v2(b"k", "1", &other_device, &sig), Err(HmacError::Mismatch));
        assert_eq!(verify_v2(b"k", "2", &r, &sig), Err(HmacError::Mismatch));
        assert_eq!(verify_v2(b"k", "1", &r, "sha256=00"), Err(HmacError::MalformedSignature));
    }
}
