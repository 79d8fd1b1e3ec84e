//! The OCPP-J 1.6 CALLERROR codes.

use std::fmt;

/// An OCPP-J 1.6 CALLERROR code (the spec spells one of them "Occurence").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The action is not known by the receiver.
    NotImplemented,
    /// The action is known but not supported by the receiver.
    NotSupported,
    /// An internal error kept the receiver from processing the action.
    InternalError,
    /// The frame is a valid array but its header is not OCPP-J (message type, message id).
    ProtocolError,
    /// The sender is not allowed to do this (e.g. a charge point that is not accepted).
    SecurityError,
    /// The payload is syntactically wrong: not JSON, not an OCPP-J array, not an object, unknown property.
    FormationViolation,
    /// A field holds a value the schema does not allow (enum, minimum, multiple of 0.1).
    PropertyConstraintViolation,
    /// A required field is missing or an array has fewer items than required.
    OccurenceConstraintViolation,
    /// A field has the wrong JSON type, is too long, or is not a date-time or URI.
    TypeConstraintViolation,
    /// Anything else.
    GenericError,
}

impl ErrorCode {
    /// Every code.
    pub const ALL: [ErrorCode; 10] = [
        Self::NotImplemented,
        Self::NotSupported,
        Self::InternalError,
        Self::ProtocolError,
        Self::SecurityError,
        Self::FormationViolation,
        Self::PropertyConstraintViolation,
        Self::OccurenceConstraintViolation,
        Self::TypeConstraintViolation,
        Self::GenericError,
    ];

    /// The code as written in a CALLERROR frame.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotImplemented => "NotImplemented",
            Self::NotSupported => "NotSupported",
            Self::InternalError => "InternalError",
            Self::ProtocolError => "ProtocolError",
            Self::SecurityError => "SecurityError",
            Self::FormationViolation => "FormationViolation",
            Self::PropertyConstraintViolation => "PropertyConstraintViolation",
            Self::OccurenceConstraintViolation => "OccurenceConstraintViolation",
            Self::TypeConstraintViolation => "TypeConstraintViolation",
            Self::GenericError => "GenericError",
        }
    }

    /// The code of a received CALLERROR; the later "Occurrence" spelling reads as
    /// [`ErrorCode::OccurenceConstraintViolation`], an unknown code as [`ErrorCode::GenericError`].
    pub fn parse(s: &str) -> Self {
        if s == "OccurrenceConstraintViolation" {
            return Self::OccurenceConstraintViolation;
        }
        Self::ALL.into_iter().find(|c| c.as_str() == s).unwrap_or(Self::GenericError)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_codes_when_written_and_read_then_round_trip_with_the_spec_spelling() {
        for c in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(c.as_str()), c);
        }
        assert_eq!(ErrorCode::OccurenceConstraintViolation.as_str(), "OccurenceConstraintViolation");
        assert_eq!(ErrorCode::parse("OccurrenceConstraintViolation"), ErrorCode::OccurenceConstraintViolation);
        assert_eq!(ErrorCode::parse("Teapot"), ErrorCode::GenericError);
    }
}
