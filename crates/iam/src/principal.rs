//! The authenticated caller of a request, always bound to one tenant.

use crate::{AuthError, Role};
use mgc_kernel::{ApiKeyId, Scope, StationId, TenantId};

/// How the principal proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// An operator's JWT.
    Jwt,
    /// A third party's API key.
    ApiKey(ApiKeyId),
}

/// A tenant-scoped caller: every query it makes is limited to `tenant`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Subject (user id, or `api-key:<id>`).
    pub subject: String,
    /// The only tenant this caller may see.
    pub tenant: TenantId,
    /// What it may do.
    pub role: Role,
    /// Optional restriction to some stations (None = all stations of the tenant).
    pub station_ids: Option<Vec<StationId>>,
    /// How it authenticated.
    pub credential: Credential,
}

impl Principal {
    /// Fails with [`AuthError::Forbidden`] unless the role includes `required`.
    pub fn require(&self, required: Role) -> Result<(), AuthError> {
        if self.role.allows(required) {
            Ok(())
        } else {
            Err(AuthError::Forbidden { required, actual: self.role })
        }
    }

    /// True when the principal may see `station` (no station scope = every station).
    pub fn may_see_station(&self, station: StationId) -> bool {
        self.station_ids.as_ref().is_none_or(|ids| ids.contains(&station))
    }

    /// What this principal may see, for queries of station-owned data.
    pub fn scope(&self) -> Scope {
        Scope { tenant: self.tenant.clone(), stations: self.station_ids.clone() }
    }

    /// Fails unless the principal sees the whole tenant: tenant-wide resources (integrations,
    /// tariffs, channels, alarm rules, kind mappings, key revocation) are not for station-scoped
    /// callers, who could otherwise reach stations beyond their scope through them.
    pub fn require_tenant_wide(&self, what: &str) -> Result<(), AuthError> {
        if self.station_ids.is_none() {
            Ok(())
        } else {
            Err(AuthError::StationScoped { what: what.to_owned() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role) -> Principal {
        Principal {
            subject: "u1".into(),
            tenant: TenantId::parse("acme").unwrap(),
            role,
            station_ids: None,
            credential: Credential::Jwt,
        }
    }

    #[test]
    fn given_viewer_when_operator_required_then_forbidden() {
        let err = principal(Role::Viewer).require(Role::Operator).unwrap_err();
        assert_eq!(err, AuthError::Forbidden { required: Role::Operator, actual: Role::Viewer });
        assert!(principal(Role::Admin).require(Role::Operator).is_ok());
    }

    #[test]
    fn given_station_scope_when_checked_then_only_listed_stations_visible() {
        let s1 = StationId::new();
        let mut p = principal(Role::Viewer);
        assert!(p.may_see_station(s1));
        p.station_ids = Some(vec![s1]);
        assert!(p.may_see_station(s1));
        assert!(!p.may_see_station(StationId::new()));
    }
}
