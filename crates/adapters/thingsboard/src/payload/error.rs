//! The request-level rejection and its machine-readable codes.

/// Why a whole request is rejected: the JSON path of the offending element and what is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct PayloadError {
    /// Machine-readable code, one of [`codes`].
    pub code: &'static str,
    /// JSON path of the offending element (`$`, `$[1].values.temperature`, `header X-Ts`).
    pub path: String,
    /// Human-readable explanation.
    pub reason: String,
}

impl PayloadError {
    /// Builds an error from its parts.
    pub(crate) fn new(code: &'static str, path: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { code, path: path.into(), reason: reason.into() }
    }
}

/// The values of [`PayloadError::code`].
pub mod codes {
    /// The body is not JSON (or nests too deeply).
    pub const MALFORMED_JSON: &str = "malformed_json";
    /// The body is an empty array.
    pub const EMPTY_BATCH: &str = "empty_batch";
    /// An element, `msg`, `metadata`, `values` or `device` has the wrong JSON type.
    pub const INVALID_SHAPE: &str = "invalid_shape";
    /// No device name in the body and none in the `X-Device-Name` header.
    pub const MISSING_DEVICE: &str = "missing_device";
    /// A timestamp is missing, malformed or outside the accepted range.
    pub const INVALID_TIMESTAMP: &str = "invalid_timestamp";
    /// A key is empty after trimming, too long or holds a control character.
    pub const INVALID_KEY: &str = "invalid_key";
    /// A value holds a NUL character (\u0000), which no backend can store as text.
    pub const INVALID_VALUE: &str = "invalid_value";
    /// The request carries more points than allowed.
    pub const TOO_MANY_POINTS: &str = "too_many_points";
}
