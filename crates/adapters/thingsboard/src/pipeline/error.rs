//! Why an ingest request was not recorded.

use crate::payload::PayloadError;
use mgc_iam::IngestAuthError;
use mgc_kernel::RepoError;

/// A refused or failed ingest request; the HTTP edge maps it once.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The credentials do not authenticate the request (or its signature was used before).
    #[error(transparent)]
    Auth(#[from] IngestAuthError),
    /// The body is not telemetry in a shape ThingsBoard sends.
    #[error(transparent)]
    Payload(#[from] PayloadError),
    /// Storage failed or cannot take the request now.
    #[error(transparent)]
    Storage(#[from] RepoError),
    /// The pipeline is shutting down.
    #[error("ingest is shutting down; retry")]
    ShuttingDown,
}

impl IngestError {
    /// Stable machine-readable code (storage errors have the storage layer's codes).
    pub fn code(&self) -> &'static str {
        match self {
            IngestError::Auth(e) => e.code(),
            IngestError::Payload(e) => e.code,
            IngestError::Storage(RepoError::Unavailable(_)) => "storage_unavailable",
            IngestError::Storage(_) => "internal_error",
            IngestError::ShuttingDown => "shutting_down",
        }
    }
}
