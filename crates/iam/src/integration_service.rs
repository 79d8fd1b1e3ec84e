//! Application services of integrations: creation, secret rotation with a grace period, and
//! settings.

use crate::integration::{Integration, IntegrationRepository};
use chrono::{DateTime, Utc};
use mgc_eventing::UnitOfWork;
use mgc_kernel::{IntegrationId, RepoError, TenantId};

/// Longest grace period of a rotated secret.
pub const MAX_ROTATION_GRACE_SECS: i64 = 30 * 86_400;
/// Longest integration name, in characters.
pub const MAX_INTEGRATION_NAME_CHARS: usize = 100;

/// Why an integration change was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IntegrationError {
    /// The name is blank or too long.
    #[error("name must be 1 to {MAX_INTEGRATION_NAME_CHARS} characters")]
    InvalidName,
    /// The rotation grace is out of range.
    #[error("grace_secs must be between 0 and {MAX_ROTATION_GRACE_SECS}")]
    InvalidGrace,
    /// Storage failed (or no such integration).
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl IntegrationError {
    /// Stable machine-readable code (docs/api.md lists them).
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidName | Self::InvalidGrace => "invalid_integration",
            Self::Repo(_) => "storage_error",
        }
    }
}

/// What a new integration is asked to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIntegration {
    /// Name (trimmed; 1 to [`MAX_INTEGRATION_NAME_CHARS`] characters).
    pub name: String,
    /// Accept the static secret header.
    pub allow_static: bool,
    /// Accept v1 signatures.
    pub legacy_signature: bool,
    /// Who creates it.
    pub created_by: String,
}

/// Creates an integration of `tenant` with a fresh secret and commits; returns it (the only
/// time its secret is shown).
pub async fn create_integration<U>(
    mut uow: U,
    tenant: &TenantId,
    new: NewIntegration,
    now: DateTime<Utc>,
) -> Result<Integration, IntegrationError>
where
    U: IntegrationRepository + UnitOfWork,
{
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > MAX_INTEGRATION_NAME_CHARS {
        return Err(IntegrationError::InvalidName);
    }
    let integration = Integration {
        id: IntegrationId::new(),
        tenant: tenant.clone(),
        name: name.to_owned(),
        secret: Integration::generate_secret(),
        previous_secret: None,
        previous_valid_until: None,
        allow_static: new.allow_static,
        legacy_signature: new.legacy_signature,
        created_by: new.created_by,
        created_at: now,
        revoked_at: None,
    };
    uow.insert_integration(&integration).await?;
    uow.commit().await?;
    Ok(integration)
}

impl Integration {
    /// Replaces the secret with a new one; the old one keeps working for `grace_secs`.
    pub fn rotate(&mut self, now: DateTime<Utc>, grace_secs: i64) -> Result<(), IntegrationError> {
        if !(0..=MAX_ROTATION_GRACE_SECS).contains(&grace_secs) {
            return Err(IntegrationError::InvalidGrace);
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
) -> Result<Integration, IntegrationError>
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
        assert_eq!(i.rotate(now, MAX_ROTATION_GRACE_SECS + 1), Err(IntegrationError::InvalidGrace));
        assert_eq!(i.secret, before);
        i.rotate(now, 60).unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(i.secret, before);
        assert_eq!(i.previous_secret.as_deref(), Some(before.as_str()));
        assert_eq!(i.previous_valid_until, Some(now + chrono::Duration::seconds(60)));
    }
}
