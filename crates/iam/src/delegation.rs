//! Delegation: a principal can never create a credential broader than itself, neither in role
//! nor in station scope.

use crate::{AuthError, Principal, Role};
use mgc_kernel::StationId;

/// The station scope a new credential of `role` gets when `creator` asks for `stations` (None =
/// the creator's own scope): the creator's role must include `role`, and a station-scoped creator
/// can only hand out its own stations or fewer.
pub fn delegated_stations(
    creator: &Principal,
    role: Role,
    stations: Option<Vec<StationId>>,
) -> Result<Option<Vec<StationId>>, AuthError> {
    creator.require(role)?;
    match (&creator.station_ids, stations) {
        (None, asked) => Ok(asked),
        (Some(mine), None) => Ok(Some(mine.clone())),
        (Some(mine), Some(asked)) if asked.iter().all(|s| mine.contains(s)) => Ok(Some(asked)),
        (Some(_), Some(_)) => {
            Err(AuthError::StationScoped { what: "a credential for stations outside your scope".into() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Credential;
    use mgc_kernel::TenantId;

    fn creator(role: Role, stations: Option<Vec<StationId>>) -> Principal {
        let tenant = TenantId::parse("acme").unwrap_or_else(|_| unreachable!());
        Principal { subject: "u".into(), tenant, role, station_ids: stations, credential: Credential::Jwt }
    }

    #[test]
    fn given_a_station_scoped_admin_when_asking_for_a_tenant_wide_key_then_the_key_inherits_its_stations() {
        let a1 = StationId::new();
        let p = creator(Role::Admin, Some(vec![a1]));
        assert_eq!(delegated_stations(&p, Role::Admin, None), Ok(Some(vec![a1])));
    }

    #[test]
    fn given_a_station_scoped_admin_when_asking_for_another_station_then_refused() {
        let (a1, a2) = (StationId::new(), StationId::new());
        let p = creator(Role::Admin, Some(vec![a1]));
        let refused = delegated_stations(&p, Role::Viewer, Some(vec![a1, a2]));
        assert!(matches!(refused, Err(AuthError::StationScoped { .. })), "{refused:?}");
        assert_eq!(delegated_stations(&p, Role::Viewer, Some(vec![a1])), Ok(Some(vec![a1])));
    }

    #[test]
    fn given_an_operator_when_asking_for_an_admin_key_then_forbidden() {
        let p = creator(Role::Operator, None);
        assert!(matches!(delegated_stations(&p, Role::Admin, None), Err(AuthError::Forbidden { .. })));
        assert_eq!(delegated_stations(&p, Role::Operator, None), Ok(None));
    }
}
