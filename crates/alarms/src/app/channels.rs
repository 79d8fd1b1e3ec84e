//! Channel commands: create, replace, delete.

use crate::domain::channel::{Channel, ChannelConfig};
use crate::domain::ports::AlarmTx;
use crate::ChannelId;
use chrono::{DateTime, Utc};
use mgc_kernel::{RepoError, TenantId};
use serde::Deserialize;

/// The JSON body of `POST`/`PUT /api/v1/notification-channels`.
#[derive(Debug, Clone, Deserialize)]
pub struct ChannelInput {
    /// Human name.
    pub name: String,
    /// Enabled (default true).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// `kind` and `config`.
    #[serde(flatten)]
    pub config: ChannelConfig,
}

fn validated(input: &ChannelInput) -> Result<String, RepoError> {
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.len() > 200 {
        return Err(RepoError::Invalid("name: required, at most 200 characters".into()));
    }
    input.config.validate().map_err(RepoError::Invalid)?;
    Ok(name)
}

/// Creates a channel.
pub async fn create_channel<T: AlarmTx>(
    mut tx: T,
    tenant: &TenantId,
    input: ChannelInput,
    now: DateTime<Utc>,
) -> Result<Channel, RepoError> {
    let name = validated(&input)?;
    let channel = Channel {
        id: ChannelId::new(),
        tenant: tenant.clone(),
        name,
        enabled: input.enabled.unwrap_or(true),
        config: input.config,
        created_at: now,
        updated_at: now,
    };
    tx.save_channel(&channel, true).await?;
    tx.commit().await?;
    Ok(channel)
}

/// Replaces a channel's settings; a webhook/DingTalk secret or email password left out (or
/// given as `***`) keeps the stored one.
pub async fn update_channel<T: AlarmTx>(
    mut tx: T,
    tenant: &TenantId,
    id: ChannelId,
    mut input: ChannelInput,
    now: DateTime<Utc>,
) -> Result<Channel, RepoError> {
    let mut channel = tx
        .channel(tenant, id)
        .await?
        .ok_or_else(|| RepoError::NotFound { what: "notification channel", id: id.to_string() })?;
    keep_secrets(&mut input.config, &channel.config);
    channel.name = validated(&input)?;
    channel.enabled = input.enabled.unwrap_or(channel.enabled);
    channel.config = input.config;
    channel.updated_at = now;
    tx.save_channel(&channel, false).await?;
    tx.commit().await?;
    Ok(channel)
}

fn keep_secrets(new: &mut ChannelConfig, old: &ChannelConfig) {
    let blank = |s: &str| s.is_empty() || s == "***";
    match (new, old) {
        (ChannelConfig::Webhook { secret, .. }, ChannelConfig::Webhook { secret: old, .. }) if blank(secret) => {
            secret.clone_from(old)
        }
        (ChannelConfig::Dingtalk { secret, .. }, ChannelConfig::Dingtalk { secret: old, .. })
            if secret.as_deref().is_none_or(blank) =>
        {
            secret.clone_from(old)
        }
        (ChannelConfig::Email { password, .. }, ChannelConfig::Email { password: old, .. })
            if password.as_deref().is_none_or(blank) =>
        {
            password.clone_from(old)
        }
        _ => {}
    }
}

/// Deletes a channel.
pub async fn delete_channel<T: AlarmTx>(mut tx: T, tenant: &TenantId, id: ChannelId) -> Result<(), RepoError> {
    if tx.channel(tenant, id).await?.is_none() {
        return Err(RepoError::NotFound { what: "notification channel", id: id.to_string() });
    }
    tx.delete_channel(tenant, id).await?;
    tx.commit().await
}
