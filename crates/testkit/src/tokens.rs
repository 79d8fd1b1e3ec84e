//! Bearer tokens for a tenant, a role and optionally a station scope, valid at the app clock.

use crate::app::{tenant, TestApp};
use mgc_iam::{Claims, Role};
use mgc_kernel::{Clock, StationId};

impl TestApp {
    /// `Bearer <jwt>` for a user of `tenant` with `role`, valid for an hour from the app clock.
    ///
    /// Tokens follow the clock: after [`TestApp::advance`] past an hour, mint a new one.
    pub fn bearer(&self, tenant_id: &str, role: Role) -> String {
        self.bearer_token(tenant_id, role, None)
    }

    /// `Bearer <jwt>` of a user of `tenant` with `role` restricted to `stations` (station ids).
    pub fn bearer_for_stations(&self, tenant_id: &str, role: Role, stations: &[&str]) -> String {
        let ids = stations.iter().map(|s| s.parse::<StationId>().unwrap()).collect();
        self.bearer_token(tenant_id, role, Some(ids))
    }

    /// `Bearer <jwt>` with arbitrary claims (expired, wrong tenant, unknown role, ...).
    pub fn bearer_with(&self, claims: &Claims) -> String {
        format!("Bearer {}", self.issuer.sign(claims).unwrap())
    }

    fn bearer_token(&self, tenant_id: &str, role: Role, stations: Option<Vec<StationId>>) -> String {
        let now = self.clock.now();
        let token =
            self.issuer.issue("user-1", &tenant(tenant_id), role, stations, now, chrono::Duration::hours(1)).unwrap();
        format!("Bearer {token}")
    }
}
