//! What a caller may see, as data every station-owned query takes: one tenant, and optionally
//! only some of its stations. The store filters with it in SQL; nothing is filtered after a page
//! was fetched.

use crate::ids::StationId;
use crate::tenant::TenantId;

/// A tenant and an optional station restriction (None = every station of the tenant).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    /// The only tenant visible.
    pub tenant: TenantId,
    /// When set, only these stations (an empty list sees no station at all).
    pub stations: Option<Vec<StationId>>,
}

impl Scope {
    /// Every station of `tenant`.
    pub fn tenant_wide(tenant: TenantId) -> Self {
        Self { tenant, stations: None }
    }

    /// Only `stations` of `tenant`.
    pub fn stations(tenant: TenantId, stations: Vec<StationId>) -> Self {
        Self { tenant, stations: Some(stations) }
    }

    /// Whether `station` is visible.
    pub fn allows(&self, station: StationId) -> bool {
        self.stations.as_ref().is_none_or(|ids| ids.contains(&station))
    }

    /// Whether the scope is the whole tenant.
    pub fn is_tenant_wide(&self) -> bool {
        self.stations.is_none()
    }

    /// The station restriction as a slice (None = none).
    pub fn station_list(&self) -> Option<&[StationId]> {
        self.stations.as_deref()
    }

    /// Whether everything `other` sees, this scope sees too (same tenant, no station beyond).
    pub fn covers(&self, other: &Scope) -> bool {
        self.tenant == other.tenant
            && match (&self.stations, &other.stations) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(mine), Some(theirs)) => theirs.iter().all(|s| mine.contains(s)),
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acme() -> TenantId {
        TenantId::parse("acme").unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn given_a_station_scope_when_asked_then_only_its_stations_are_allowed() {
        let (a1, a2) = (StationId::new(), StationId::new());
        let scope = Scope::stations(acme(), vec![a1]);
        assert!(scope.allows(a1));
        assert!(!scope.allows(a2));
        assert!(Scope::tenant_wide(acme()).allows(a2));
        assert!(!Scope::stations(acme(), vec![]).allows(a1));
    }

    #[test]
    fn given_scopes_when_compared_then_a_narrower_one_never_covers_a_wider_one() {
        let (a1, a2) = (StationId::new(), StationId::new());
        let wide = Scope::tenant_wide(acme());
        let one = Scope::stations(acme(), vec![a1]);
        let two = Scope::stations(acme(), vec![a1, a2]);
        assert!(wide.covers(&one) && wide.covers(&wide) && two.covers(&one));
        assert!(!one.covers(&wide) && !one.covers(&two));
        let other = Scope::tenant_wide(TenantId::parse("globex").unwrap_or_else(|_| unreachable!()));
        assert!(!wide.covers(&other));
    }
}
