//! Channel commands: create, replace, delete.

use crate::domain::channel::{Channel, ChannelConfig};
use crate::domain::ports::AlarmTx;
use crate::{AlarmError, ChannelId};
use chrono::{DateTime, Utc};
use mgc_kernel::TenantId;
use serde::Deserialize;
use serde_json::Value;

/// The JSON body of `POST`/`PUT /api/v1/notification-channels`: `name`, `enabled?`, `kind` and
/// its `config`; any other field is refused.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "ChannelInputFields")]
pub struct ChannelInput {
    /// Human name.
    pub name: String,
    /// Enabled (default true).
    pub enabled: Option<bool>,
    /// `kind` and `config`.
    pub config: ChannelConfig,
}

/// The fields of a [`ChannelInput`] as sent (serde cannot refuse unknown fields next to a
/// flattened enum, so the kind and its config are read apart and joined).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChannelInputFields {
    name: String,
    #[serde(default)]
    enabled: Option<bool>,
    kind: Value,
    config: Value,
}

impl TryFrom<ChannelInputFields> for ChannelInput {
    type Error = serde_json::Error;

    fn try_from(f: ChannelInputFields) -> Result<Self, Self::Error> {
        let config = serde_json::from_value(serde_json::json!({"kind": f.kind, "config": f.config}))?;
        Ok(ChannelInput { name: f.name, enabled: f.enabled, config })
    }
}

fn validated(input: &ChannelInput) -> Result<String, AlarmError> {
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AlarmError::InvalidChannel("name: required, at most 200 characters".into()));
    }
    input.config.validate().map_err(AlarmError::InvalidChannel)?;
    Ok(name)
}

/// Creates a channel.
pub async fn create_channel<T: AlarmTx>(
    mut tx: T,
    tenant: &TenantId,
    input: ChannelInput,
    now: DateTime<Utc>,
) -> Result<Channel, AlarmError> {
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
) -> Result<Channel, AlarmError> {
    let mut channel = tx.channel(tenant, id).await?.ok_or(AlarmError::ChannelNotFound(id))?;
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
pub async fn delete_channel<T: AlarmTx>(mut tx: T, tenant: &TenantId, id: ChannelId) -> Result<(), AlarmError> {
    if tx.channel(tenant, id).await?.is_none() {
        return Err(AlarmError::ChannelNotFound(id));
    }
    tx.delete_channel(tenant, id).await?;
    Ok(tx.commit().await?)
}
