//! Typed UUID identifiers.
//!
//! [`define_id!`](crate::define_id) creates a `Copy` newtype around [`uuid::Uuid`] whose
//! `Display` is the hyphenated form and whose serde form is the bare UUID string.
//! New ids are UUID v7, so they sort roughly by creation time.

/// Defines a UUID newtype identifier; usable from any crate that depends on `mgc-kernel`.
///
/// ```
/// mgc_kernel::define_id!(
///     /// Identifies a tariff.
///     TariffId
/// );
/// let id = TariffId::new();
/// let parsed: TariffId = id.to_string().parse().unwrap();
/// assert_eq!(id, parsed);
/// ```
#[macro_export]
macro_rules! define_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub $crate::uuid::Uuid);

        #[allow(clippy::new_without_default)]
        impl $name {
            /// Creates a fresh, time-ordered (UUID v7) identifier.
            #[must_use]
            pub fn new() -> Self {
                Self($crate::uuid::Uuid::now_v7())
            }

            /// Wraps an existing UUID.
            #[must_use]
            pub const fn from_uuid(uuid: $crate::uuid::Uuid) -> Self {
                Self(uuid)
            }

            /// Returns the wrapped UUID.
            #[must_use]
            pub const fn as_uuid(&self) -> $crate::uuid::Uuid {
                self.0
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = $crate::KernelError;

            fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                $crate::uuid::Uuid::parse_str(s)
                    .map(Self)
                    .map_err(|_| $crate::KernelError::InvalidId {
                        kind: ::core::stringify!($name),
                        value: ::std::string::ToString::to_string(s),
                    })
            }
        }

        impl ::core::convert::From<$crate::uuid::Uuid> for $name {
            fn from(uuid: $crate::uuid::Uuid) -> Self {
                Self(uuid)
            }
        }

        impl ::core::convert::From<$name> for $crate::uuid::Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error>
            where
                S: $crate::serde::Serializer,
            {
                $crate::serde::Serialize::serialize(&self.0, serializer)
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::core::result::Result<Self, D::Error>
            where
                D: $crate::serde::Deserializer<'de>,
            {
                <$crate::uuid::Uuid as $crate::serde::Deserialize<'de>>::deserialize(deserializer)
                    .map(Self)
            }
        }
    };
}

define_id!(
    /// Identifies a domain event.
    EventId
);
define_id!(
    /// Identifies a microgrid station (site).
    StationId
);
define_id!(
    /// Identifies a device (meter, inverter, battery, ...) within a station.
    DeviceId
);
define_id!(
    /// Identifies an API key.
    ApiKeyId
);
define_id!(
    /// Identifies an audit-log entry.
    AuditId
);
define_id!(
    /// Identifies a dead-lettered message.
    DeadLetterId
);
define_id!(
    /// Identifies an external-system integration.
    IntegrationId
);
define_id!(
    /// Identifies a user.
    UserId
);
define_id!(
    /// Identifies a background job.
    JobId
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KernelError;

    #[test]
    fn given_new_id_when_displayed_and_parsed_then_round_trips() {
        let id = StationId::new();
        let text = id.to_string();
        assert_eq!(text.len(), 36);
        assert_eq!(text.parse::<StationId>(), Ok(id));
    }

    #[test]
    fn given_new_id_then_it_is_uuid_v7() {
        assert_eq!(EventId::new().as_uuid().get_version_num(), 7);
    }

    #[test]
    fn given_garbage_when_parsed_then_invalid_id_names_kind_and_value() {
        let err = "not-a-uuid".parse::<DeviceId>();
        assert_eq!(err, Err(KernelError::InvalidId { kind: "DeviceId", value: "not-a-uuid".to_owned() }));
        assert!("".parse::<UserId>().is_err());
    }

    #[test]
    fn given_id_when_serialized_then_bare_uuid_string() {
        let uuid = uuid::Uuid::nil();
        let id = AuditId::from_uuid(uuid);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"00000000-0000-0000-0000-000000000000\"");
        let back: AuditId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
        assert!(serde_json::from_str::<AuditId>("\"nope\"").is_err());
    }

    #[test]
    fn given_two_new_ids_then_distinct() {
        assert_ne!(ApiKeyId::new(), ApiKeyId::new());
    }
}
