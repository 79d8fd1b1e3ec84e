//! Application services of integrations: secret rotation with a grace period, and settings.

use crate::integration::{Integration, IntegrationRepository};
use chrono::{DateTime, Utc};
use mgc_eventing::UnitOfWork;
use mgc_kernel::{IntegrationId, RepoError, TenantId};

/// Longest grace period of a rotated secret.
pub const MAX_ROTATION_GRACE_SECS: i64 = 30 * 86_400;

impl Integration {
    /// Replaces the secret with a new one; the old one keeps working for `grace_secs`.
    pub fn rotate(&mut self, now: DateTime<Utc>, grace_secs: i64) -> Result<(), RepoError> {
        if !(0..=MAX_ROTATION_GRACE_SECS).contains(&grace_secs) {
            return Err(RepoError::Invalid(format!("grace_secs must be between 0 and {MAX_ROTATION_GRACE_SECS}")));
        }
        self.previous_secret = Some(std::mem::replace(&mut self.secret, Integration::generate_secret()));
        self.previous_valid_until = Some(now + chrono::Duration::seconds(grace_secs));
        Ok(())
    }
}

/// Rotates the secret of the tenant's integration `id` and commits; returns it with the new secret.
pub async fn rotate_integration<U>(
    mut uow: U,
    tenant: &TenantId,
    id: IntegrationId,
    grace_secs: i64,
    now: DateTime<Utc>,
) -> Result<Integration, RepoError>
where
    U: IntegrationRepository + UnitOfWork,
{
    let mut integration = uow.get_integration(tenant, id).await?;
    integration.rotate(now, grace_secs)?;
    uow.update_integration(&integration).await?;
    uow.commit().await?;
    Ok(integration)
}

/// Changes whether the integration accepts the static secret and the legacy signature (None keeps
/// a setting) and commits.
pub async fn update_integration_settings<U>(
    mut uow: U,
    tenant: &TenantId,
    id: IntegrationId,
    allow_static: Option<bool>,
    legacy_signature: Option<bool>,
) -> Result<Integration, RepoError>
where
    U: IntegrationRepository + UnitOfWork,
{
    let mut integration = uow.get_integration(tenant, id).await?;
    integration.allow_static = allow_static.unwrap_or(integration.allow_static);
    integration.legacy_signature = legacy_signature.unwrap_or(integration.legacy_signature);
    uow.update_integration(&integration).await?;
    uow.commit().await?;
    Ok(integration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_a_grace_beyond_30_days_when_rotating_then_refused_and_the_secret_is_unchanged() {
        let now = chrono::Utc::now();
        let tenant = TenantId::parse("acme").unwrap_or_else(|_| unreachable!());
        let mut i = Integration {
            id: IntegrationId::new(),
            tenant,
            name: "tb".into(),
            secret: "s".repeat(64),
            previous_secret: None,
            previous_valid_until: None,
            allow_static: false,
            legacy_signature: false,
            created_by: "admin".into(),
            created_at: now,
            revoked_at: None,
        };
        let before = i.secret.clone();
        assert!(matches!(i.rotate(now, MAX_ROTATION_GRACE_SECS + 1), Err(RepoError::Invalid(_))));
        assert_eq!(i.secret, before);
        i.rotate(now, 60).unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(i.secret, before);
        assert_eq!(i.previous_secret.as_deref(), Some(before.as_str()));
        assert_eq!(i.previous_valid_until, Some(now + chrono::Duration::seconds(60)));
    }
}
