//! Whether a tenant may act at all: it exists and is not disabled. Every credential (JWT, API
//! key, ingest integration) is checked against it; answers are cached briefly on the injected
//! clock so a disabled tenant is refused on every instance within the cache's time to live.

use async_trait::async_trait;
use chrono::Duration;
use mgc_kernel::{RepoError, SharedClock, TenantId, TtlCache};

/// How long a tenant's state is cached per instance (a disable made by another process, such
/// as `mgc tenant disable`, takes effect within this time).
pub const TENANT_CACHE_TTL_SECS: i64 = 5;

/// The state of a tenant as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantState {
    /// Exists and may act.
    Active,
    /// Exists but was disabled: every credential of it is refused.
    Disabled,
    /// No such tenant (a token minted for a tenant that was never created, say).
    Missing,
}

/// Where tenants are read (the store implements it).
#[async_trait]
pub trait TenantDirectory: Send + Sync {
    /// The state of `tenant`.
    async fn tenant_state(&self, tenant: &TenantId) -> Result<TenantState, RepoError>;
}

/// Why a tenant may not act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TenantRefusal {
    /// The tenant is disabled.
    #[error("tenant is disabled: its tokens, API keys and integrations are refused until an operator enables it")]
    Disabled,
    /// The tenant does not exist.
    #[error("the credential's tenant does not exist")]
    Missing,
}

/// Cached tenant states, shared by the HTTP authentication and the ingest pipeline.
#[derive(Debug)]
pub struct TenantGate {
    cache: TtlCache<TenantId, TenantState>,
}

impl TenantGate {
    /// A gate caching each answer for `ttl` on `clock`.
    pub fn new(ttl: Duration, clock: SharedClock) -> Self {
        Self { cache: TtlCache::new(ttl, 10_000, clock) }
    }

    /// A gate with the default time to live ([`TENANT_CACHE_TTL_SECS`]).
    pub fn with_default_ttl(clock: SharedClock) -> Self {
        Self::new(Duration::seconds(TENANT_CACHE_TTL_SECS), clock)
    }

    /// Ok when `tenant` exists and is not disabled.
    pub async fn check(
        &self,
        directory: &(impl TenantDirectory + ?Sized),
        tenant: &TenantId,
    ) -> Result<Result<(), TenantRefusal>, RepoError> {
        let state = match self.cache.get(tenant) {
            Some(state) => state,
            None => {
                let state = directory.tenant_state(tenant).await?;
                self.cache.put(tenant.clone(), state);
                state
            }
        };
        Ok(match state {
            TenantState::Active => Ok(()),
            TenantState::Disabled => Err(TenantRefusal::Disabled),
            TenantState::Missing => Err(TenantRefusal::Missing),
        })
    }

    /// Forgets the cached state of `tenant` (after this process changed it).
    pub fn forget(&self, tenant: &TenantId) {
        self.cache.forget_where(|k, _| k == tenant);
    }
}
