//! One JSON error shape for every failure: `{"error":{"code":"...","message":"..."}}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use mgc_adapter_thingsboard::payload::codes;
use mgc_adapter_thingsboard::IngestError;
use mgc_iam::AuthError;
use mgc_kernel::RepoError;
use serde::Serialize;
use utoipa::ToSchema;

/// A failed request: status, machine-readable code and a message naming what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// snake_case code.
    pub code: &'static str,
    /// Human message.
    pub message: String,
}

/// The JSON body of an error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Code and message of an error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code, e.g. `not_found`.
    pub code: String,
    /// What is wrong, for humans.
    pub message: String,
}

impl ApiError {
    /// An error with the given status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into() }
    }

    /// 400 with `code`.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 500 without internal details (they go to the log).
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "internal error; see the server log for the request id",
        )
    }
}

/// Seconds a client is asked to wait (`Retry-After`) before retrying a 503.
pub const RETRY_AFTER_SECS: u32 = 2;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status == StatusCode::UNAUTHORIZED || self.code == "tenant_disabled" {
            // Every refused authentication, by its machine code (JWT, API key, ingest), and every
            // credential refused because its tenant is disabled.
            metrics::counter!("mgc_auth_refused_total", "reason" => self.code).increment(1);
        }
        let body = ErrorBody { error: ErrorDetail { code: self.code.to_owned(), message: self.message } };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
        }
        response
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        let status = match &e {
            AuthError::Forbidden { .. } | AuthError::StationScoped { .. } | AuthError::TenantDisabled => {
                StatusCode::FORBIDDEN
            }
            AuthError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::UNAUTHORIZED,
        };
        Self::new(status, e.code(), e.to_string())
    }
}

impl From<IngestError> for ApiError {
    fn from(e: IngestError) -> Self {
        let code = e.code();
        match e {
            IngestError::Auth(e @ mgc_iam::IngestAuthError::TenantDisabled) => {
                Self::new(StatusCode::FORBIDDEN, code, e.to_string())
            }
            IngestError::Auth(e) => Self::new(StatusCode::UNAUTHORIZED, code, e.to_string()),
            IngestError::Payload(e) if e.code == codes::MALFORMED_JSON => {
                Self::new(StatusCode::BAD_REQUEST, code, e.to_string())
            }
            IngestError::Payload(e) => Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string()),
            IngestError::Storage(e) => Self::from(e),
            IngestError::ShuttingDown => Self::new(StatusCode::SERVICE_UNAVAILABLE, code, e.to_string()),
        }
    }
}

impl From<mgc_iam::CreateApiKeyError> for ApiError {
    fn from(e: mgc_iam::CreateApiKeyError) -> Self {
        match e {
            mgc_iam::CreateApiKeyError::Refused(e) => Self::from(e),
            mgc_iam::CreateApiKeyError::Storage(e) => Self::from(e),
        }
    }
}

impl From<mgc_charging::ChargingError> for ApiError {
    fn from(e: mgc_charging::ChargingError) -> Self {
        use mgc_charging::ChargingError as E;
        let code = e.code();
        match e {
            E::Repo(e) => Self::from(e),
            E::Invalid { .. } => Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string()),
            E::UnknownChargePoint(_) | E::UnknownTransaction(_) => {
                Self::new(StatusCode::NOT_FOUND, code, e.to_string())
            }
            _ => Self::new(StatusCode::CONFLICT, code, e.to_string()),
        }
    }
}

impl From<mgc_settlement::SettlementError> for ApiError {
    fn from(e: mgc_settlement::SettlementError) -> Self {
        use mgc_settlement::SettlementError as E;
        let code = e.code();
        match e {
            E::Repo(e) => Self::from(e),
            E::InvalidTariff(_) | E::InvalidMonth(_) | E::InvalidReason | E::Content(_) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string())
            }
            E::StationNotFound(_) | E::TariffNotFound(_) | E::SettlementNotFound(_) | E::StatementNotFound(_) => {
                Self::new(StatusCode::NOT_FOUND, code, e.to_string())
            }
            E::TariffInUse { .. }
            | E::AlreadyFrozen { .. }
            | E::Unpriced { .. }
            | E::StatementIssued { .. }
            | E::StatementState { .. }
            | E::StatementOutdated(_) => Self::new(StatusCode::CONFLICT, code, e.to_string()),
        }
    }
}

impl From<mgc_strategy::StrategyError> for ApiError {
    fn from(e: mgc_strategy::StrategyError) -> Self {
        use mgc_strategy::StrategyError as E;
        let code = e.code();
        match e {
            E::Repo(e) => Self::from(e),
            E::NotFound(_) => Self::new(StatusCode::NOT_FOUND, code, e.to_string()),
            E::InvalidDefinition(_) | E::UnknownStation(_) | E::InvalidTargets(_) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string())
            }
        }
    }
}

impl From<mgc_alarms::AlarmError> for ApiError {
    fn from(e: mgc_alarms::AlarmError) -> Self {
        use mgc_alarms::AlarmError as E;
        let code = e.code();
        match e {
            E::Repo(e) => Self::from(e),
            E::InvalidRule(_) | E::InvalidChannel(_) | E::UnknownChannel(_) | E::UnknownDevice(_) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string())
            }
            E::AlarmNotFound(_) | E::RuleNotFound(_) | E::ChannelNotFound(_) => {
                Self::new(StatusCode::NOT_FOUND, code, e.to_string())
            }
            E::AlreadyAcknowledged(_) | E::AlreadyCleared(_) => Self::new(StatusCode::CONFLICT, code, e.to_string()),
        }
    }
}

impl From<mgc_masterdata::MasterdataError> for ApiError {
    fn from(e: mgc_masterdata::MasterdataError) -> Self {
        use mgc_masterdata::MasterdataError as E;
        let code = e.code();
        match e {
            E::Repo(e) => Self::from(e),
            E::Invalid(_) | E::InvalidMapping(_) | E::UnknownStation(_) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string())
            }
            E::StationNotFound(_) | E::DeviceNotFound(_) => Self::new(StatusCode::NOT_FOUND, code, e.to_string()),
            E::StationHasDevices { .. } | E::TimeZoneLocked { .. } => {
                Self::new(StatusCode::CONFLICT, code, e.to_string())
            }
        }
    }
}

impl From<mgc_iam::integration_service::IntegrationError> for ApiError {
    fn from(e: mgc_iam::integration_service::IntegrationError) -> Self {
        use mgc_iam::integration_service::IntegrationError as E;
        match e {
            E::Repo(e) => Self::from(e),
            E::InvalidName | E::InvalidGrace => Self::new(StatusCode::UNPROCESSABLE_ENTITY, e.code(), e.to_string()),
        }
    }
}

impl From<mgc_telemetry::TelemetryError> for ApiError {
    fn from(e: mgc_telemetry::TelemetryError) -> Self {
        use mgc_telemetry::TelemetryError as E;
        let code = e.code();
        match e {
            E::Repo(e) => Self::from(e),
            E::EmptyRange { .. }
            | E::InvalidInterval(_)
            | E::InvalidAgg(_)
            | E::AggWithoutInterval
            | E::TooManySamples { .. } => Self::bad_request(code, e.to_string()),
        }
    }
}

impl From<RepoError> for ApiError {
    fn from(e: RepoError) -> Self {
        match e {
            RepoError::NotFound { .. } => Self::new(StatusCode::NOT_FOUND, "not_found", e.to_string()),
            RepoError::Conflict(m) => Self::new(StatusCode::CONFLICT, "conflict", m),
            RepoError::Invalid(m) => Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", m),
            RepoError::Unavailable(m) => {
                tracing::warn!(error = %m, "storage unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_unavailable",
                    format!("storage cannot take this request now ({m}); nothing was stored, retry later"),
                )
            }
            RepoError::Backend(m) => {
                tracing::error!(error = %m, "storage error");
                Self::internal()
            }
        }
    }
}
