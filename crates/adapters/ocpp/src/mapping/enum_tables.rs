//! Wire enumerations to and from the charging context's.

use crate::enums::{AuthorizationStatus, ChargePointErrorCode, ChargePointStatus, Reason, RegistrationStatus};
use mgc_charging as charging;

/// The connector status of a StatusNotification status.
pub fn connector_status(s: ChargePointStatus) -> charging::ConnectorStatus {
    use charging::ConnectorStatus as C;
    match s {
        ChargePointStatus::Available => C::Available,
        ChargePointStatus::Preparing => C::Preparing,
        ChargePointStatus::Charging => C::Charging,
        ChargePointStatus::SuspendedEvse => C::SuspendedEvse,
        ChargePointStatus::SuspendedEv => C::SuspendedEv,
        ChargePointStatus::Finishing => C::Finishing,
        ChargePointStatus::Reserved => C::Reserved,
        ChargePointStatus::Unavailable => C::Unavailable,
        ChargePointStatus::Faulted => C::Faulted,
    }
}

/// The connector error code of a StatusNotification error code.
pub fn connector_error_code(e: ChargePointErrorCode) -> charging::ConnectorErrorCode {
    use charging::ConnectorErrorCode as C;
    match e {
        ChargePointErrorCode::ConnectorLockFailure => C::ConnectorLockFailure,
        ChargePointErrorCode::EvCommunicationError => C::EvCommunicationError,
        ChargePointErrorCode::GroundFailure => C::GroundFailure,
        ChargePointErrorCode::HighTemperature => C::HighTemperature,
        ChargePointErrorCode::InternalError => C::InternalError,
        ChargePointErrorCode::LocalListConflict => C::LocalListConflict,
        ChargePointErrorCode::NoError => C::NoError,
        ChargePointErrorCode::OtherError => C::OtherError,
        ChargePointErrorCode::OverCurrentFailure => C::OverCurrentFailure,
        ChargePointErrorCode::PowerMeterFailure => C::PowerMeterFailure,
        ChargePointErrorCode::PowerSwitchFailure => C::PowerSwitchFailure,
        ChargePointErrorCode::ReaderFailure => C::ReaderFailure,
        ChargePointErrorCode::ResetFailure => C::ResetFailure,
        ChargePointErrorCode::UnderVoltage => C::UnderVoltage,
        ChargePointErrorCode::OverVoltage => C::OverVoltage,
        ChargePointErrorCode::WeakSignal => C::WeakSignal,
    }
}

/// The stop reason of a StopTransaction reason.
pub fn stop_reason(r: Reason) -> charging::StopReason {
    use charging::StopReason as S;
    match r {
        Reason::EmergencyStop => S::EmergencyStop,
        Reason::EvDisconnected => S::EvDisconnected,
        Reason::HardReset => S::HardReset,
        Reason::Local => S::Local,
        Reason::Other => S::Other,
        Reason::PowerLoss => S::PowerLoss,
        Reason::Reboot => S::Reboot,
        Reason::Remote => S::Remote,
        Reason::SoftReset => S::SoftReset,
        Reason::UnlockCommand => S::UnlockCommand,
        Reason::DeAuthorized => S::DeAuthorized,
    }
}

/// The wire authorization status of a decision.
pub fn authorization_status(s: charging::AuthorizationStatus) -> AuthorizationStatus {
    use charging::AuthorizationStatus as A;
    match s {
        A::Accepted => AuthorizationStatus::Accepted,
        A::Blocked => AuthorizationStatus::Blocked,
        A::Expired => AuthorizationStatus::Expired,
        A::Invalid => AuthorizationStatus::Invalid,
        A::ConcurrentTx => AuthorizationStatus::ConcurrentTx,
    }
}

/// The wire registration status of a boot decision.
pub fn registration_status(s: charging::RegistrationStatus) -> RegistrationStatus {
    use charging::RegistrationStatus as R;
    match s {
        R::Accepted => RegistrationStatus::Accepted,
        R::Pending => RegistrationStatus::Pending,
        R::Rejected => RegistrationStatus::Rejected,
    }
}
