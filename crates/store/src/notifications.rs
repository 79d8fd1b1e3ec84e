//! Notification channels and delivery records written inside the unit of work of an alarm
//! change (so a notification exists exactly when its alarm change commits). Channel settings are
//! sealed at rest (see [`crate::secrets_at_rest`]).

use crate::alarms_rows::{channel_from_row, CHANNEL_COLUMNS};
use crate::rows::db_err;
use crate::StoreTx;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_alarms::{Channel, ChannelId, ChannelRepository, DeliveryId, NotificationRequest, NotificationRequests};
use mgc_kernel::{RepoError, TenantId};
use sqlx::types::Json;

/// The settings of a channel without its `kind` tag (stored in `config`).
fn config_json(channel: &Channel) -> Result<serde_json::Value, RepoError> {
    let tagged = serde_json::to_value(&channel.config).map_err(|e| RepoError::Backend(e.to_string()))?;
    Ok(tagged.get("config").cloned().unwrap_or_default())
}

#[async_trait]
impl ChannelRepository for StoreTx {
    async fn channel(&mut self, tenant: &TenantId, id: ChannelId) -> Result<Option<Channel>, RepoError> {
        let sql = format!("SELECT {CHANNEL_COLUMNS} FROM notification_channels WHERE tenant_id = $1 AND id = $2");
        let inner = self.store.clone();
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(|r| channel_from_row(&inner, r)).transpose())
    }

    async fn save_channel(&mut self, ch: &Channel, is_new: bool) -> Result<(), RepoError> {
        let sql = if is_new {
            format!("INSERT INTO notification_channels ({CHANNEL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        } else {
            "UPDATE notification_channels SET name = $3, kind = $4, config = $5, enabled = $6, created_at = $7, updated_at = $8
             WHERE id = $1 AND tenant_id = $2"
                .to_owned()
        };
        let config = crate::secrets_at_rest::seal_json(&self.store, &config_json(ch)?)?;
        on_tx!(self, c => sqlx::query(&sql)
            .bind(ch.id.as_uuid()).bind(ch.tenant.as_str()).bind(&ch.name).bind(ch.config.kind()).bind(Json(&config))
            .bind(ch.enabled).bind(ch.created_at).bind(ch.updated_at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn delete_channel(&mut self, tenant: &TenantId, id: ChannelId) -> Result<(), RepoError> {
        on_tx!(self, c => sqlx::query("DELETE FROM notification_channels WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_str()).bind(id.as_uuid()).execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }
}

#[async_trait]
impl NotificationRequests for StoreTx {
    async fn request_notifications(
        &mut self,
        tenant: &TenantId,
        channels: &[ChannelId],
        req: &NotificationRequest,
        at: DateTime<Utc>,
    ) -> Result<Vec<DeliveryId>, RepoError> {
        let mut ids = Vec::new();
        for channel in channels {
            let enabled: Option<bool> = on_tx!(self, c => sqlx::query_scalar(
                "SELECT enabled FROM notification_channels WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.as_str()).bind(channel.as_uuid()).fetch_optional(&mut *c).await.map_err(db_err)?);
            if enabled != Some(true) {
                tracing::debug!(%channel, "notification channel missing or disabled; skipped");
                continue;
            }
            let id = DeliveryId::new();
            let sql = "INSERT INTO notification_deliveries (id, tenant_id, channel_id, alarm_id, event, title, text, payload, state,
                       attempts, next_attempt_at, created_at, age_from) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $9, $9)";
            on_tx!(self, c => sqlx::query(sql)
                .bind(id.as_uuid()).bind(tenant.as_str()).bind(channel.as_uuid()).bind(req.alarm_id.map(|a| a.as_uuid()))
                .bind(&req.event).bind(&req.title).bind(&req.text).bind(Json(&req.payload)).bind(at)
                .execute(&mut *c).await.map_err(db_err).map(|_| ()))?;
            ids.push(id);
        }
        if !ids.is_empty() {
            self.alarm_writes.deliveries = true;
        }
        Ok(ids)
    }

    async fn retry_delivery(&mut self, tenant: &TenantId, id: DeliveryId, at: DateTime<Utc>) -> Result<(), RepoError> {
        let state: Option<String> = on_tx!(self, c => sqlx::query_scalar(
            "SELECT state FROM notification_deliveries WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_str()).bind(id.as_uuid()).fetch_optional(&mut *c).await.map_err(db_err)?);
        match state.as_deref() {
            None => return Err(RepoError::NotFound { what: "notification", id: id.to_string() }),
            Some("dead" | "retrying") => {}
            Some(other) => {
                return Err(RepoError::Conflict(format!(
                    "notification {id} is {other}; only dead or retrying ones can be retried"
                )))
            }
        }
        let sql =
            "UPDATE notification_deliveries SET state = 'pending', attempts = 0, next_attempt_at = $3, age_from = $3,
                   last_error = NULL, lease_owner = NULL, lease_until = NULL WHERE tenant_id = $1 AND id = $2";
        on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(id.as_uuid()).bind(at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))?;
        self.alarm_writes.deliveries = true;
        Ok(())
    }
}
