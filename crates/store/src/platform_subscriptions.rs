//! Platform subscriptions (settings sealed at rest like notification channels) and their
//! notices, queued as rows of the notification worker's queue keyed by the subscription id.

use crate::rows::{db_err, parse_cursor, tenant_of, to_u32, RowExt};
use crate::secrets_at_rest::{open_json, seal_json};
use crate::{Store, StoreTx};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_charging::SessionId;
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{RepoError, TenantId};
use mgc_platform::{
    DeliveryFigures, Notice, OrderNo, Subscription, SubscriptionId, SubscriptionQueries, SubscriptionRepository,
    SubscriptionUnits,
};
use serde_json::json;
use sqlx::types::Json;
use uuid::Uuid;

pub(crate) const SUBSCRIPTION_COLUMNS: &str =
    "id, tenant_id, config, event_types, progress_interval_s, enabled, created_at, updated_at";

/// Latencies read for the statistics (the latest delivered ones).
const LATENCY_SAMPLE: i64 = 10_000;

pub(crate) fn subscription_from_row(inner: &crate::db::Inner, r: &impl RowExt) -> Result<Subscription, RepoError> {
    let corrupt = |what: &str| RepoError::Backend(format!("subscription: stored {what} is not valid"));
    let config = open_json(inner, r.json("config")?)?;
    let text = |k: &str| config.get(k).and_then(|v| v.as_str()).map(str::to_owned).ok_or_else(|| corrupt(k));
    Ok(Subscription {
        id: SubscriptionId::from_uuid(r.uuid("id")?),
        tenant: tenant_of(r)?,
        url: text("url")?,
        secret: text("secret")?,
        event_types: serde_json::from_value(r.json("event_types")?).map_err(|_| corrupt("event_types"))?,
        progress_interval_s: to_u32(r.int("progress_interval_s")?, "progress_interval_s")?,
        enabled: r.boolean("enabled")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

#[async_trait]
impl SubscriptionRepository for StoreTx {
    async fn subscription(&mut self, tenant: &TenantId, id: SubscriptionId) -> Result<Option<Subscription>, RepoError> {
        let sql = format!("SELECT {SUBSCRIPTION_COLUMNS} FROM platform_subscriptions WHERE tenant_id = $1 AND id = $2");
        let inner = self.store.clone();
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(|r| subscription_from_row(&inner, r)).transpose())
    }

    async fn save_subscription(&mut self, s: &Subscription, is_new: bool) -> Result<(), RepoError> {
        let sql = if is_new {
            format!(
                "INSERT INTO platform_subscriptions ({SUBSCRIPTION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            )
        } else {
            "UPDATE platform_subscriptions SET config = $3, event_types = $4, progress_interval_s = $5, enabled = $6,
             created_at = $7, updated_at = $8 WHERE id = $1 AND tenant_id = $2"
                .to_owned()
        };
        let config = seal_json(&self.store, &json!({"url": s.url, "secret": s.secret}))?;
        on_tx!(self, c => sqlx::query(&sql)
            .bind(s.id.as_uuid()).bind(s.tenant.as_str()).bind(Json(&config)).bind(Json(&s.event_types))
            .bind(i64::from(s.progress_interval_s)).bind(s.enabled).bind(s.created_at).bind(s.updated_at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn delete_subscription(&mut self, tenant: &TenantId, id: SubscriptionId) -> Result<bool, RepoError> {
        let n = on_tx!(self, c => sqlx::query("DELETE FROM platform_subscriptions WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_str()).bind(id.as_uuid()).execute(&mut *c).await.map_err(db_err)?.rows_affected());
        Ok(n > 0)
    }

    async fn enabled_subscriptions(&mut self, tenant: &TenantId) -> Result<Vec<Subscription>, RepoError> {
        let sql = format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM platform_subscriptions WHERE tenant_id = $1 AND enabled ORDER BY id"
        );
        let inner = self.store.clone();
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).fetch_all(&mut *c).await.map_err(db_err)?
            .iter().map(|r| subscription_from_row(&inner, r)).collect())
    }

    async fn queue_notice(
        &mut self,
        tenant: &TenantId,
        sub: SubscriptionId,
        n: &Notice,
        at: DateTime<Utc>,
    ) -> Result<Uuid, RepoError> {
        let id = Uuid::now_v7();
        let sql = "INSERT INTO notification_deliveries (id, tenant_id, channel_id, alarm_id, order_key, event, title, text, payload,
                   state, attempts, next_attempt_at, created_at, age_from) VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8, 'pending', 0, $9, $9, $9)";
        on_tx!(self, c => sqlx::query(sql)
            .bind(id).bind(tenant.as_str()).bind(sub.as_uuid()).bind(n.order_key.as_deref())
            .bind(&n.event).bind(&n.title).bind(&n.text).bind(Json(&n.data)).bind(at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))?;
        self.alarm_writes.deliveries = true;
        Ok(id)
    }

    async fn last_notice_at(
        &mut self,
        sub: SubscriptionId,
        event: &str,
        order_key: &str,
    ) -> Result<Option<DateTime<Utc>>, RepoError> {
        let sql =
            "SELECT created_at FROM notification_deliveries WHERE channel_id = $1 AND order_key = $2 AND event = $3
                   ORDER BY seq DESC LIMIT 1";
        on_tx!(self, c => sqlx::query(sql).bind(sub.as_uuid()).bind(order_key).bind(event)
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(|r| r.time("created_at")).transpose())
    }

    async fn order_of_session(&mut self, tenant: &TenantId, session: SessionId) -> Result<Option<OrderNo>, RepoError> {
        let sql = "SELECT order_no FROM charge_orders WHERE tenant_id = $1 AND session_id = $2 LIMIT 1";
        let found: Option<String> = on_tx!(self, c => sqlx::query_scalar(sql).bind(tenant.as_str())
            .bind(session.as_uuid()).fetch_optional(&mut *c).await.map_err(db_err)?);
        found
            .map(|o| OrderNo::parse(&o).map_err(|_| RepoError::Backend(format!("stored order number '{o}'"))))
            .transpose()
    }
}

#[async_trait]
impl SubscriptionUnits for Store {
    type Tx = StoreTx;

    async fn begin_subscription_tx(&self) -> Result<StoreTx, RepoError> {
        self.begin().await
    }
}

#[async_trait]
impl SubscriptionQueries for Store {
    async fn list_subscriptions(&self, tenant: &TenantId, page: &PageRequest) -> Result<Page<Subscription>, RepoError> {
        let cursor = parse_cursor(page.cursor.as_deref())?;
        let sql = format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM platform_subscriptions WHERE tenant_id = $1 AND ($2 IS NULL OR id < $2)
             ORDER BY id DESC LIMIT $3"
        );
        let inner = self.inner.clone();
        let rows = on_read!(self, p => sqlx::query(&sql).bind(tenant.as_str()).bind(cursor).bind(i64::from(page.limit) + 1)
            .fetch_all(p).await.map_err(db_err)?.iter().map(|r| subscription_from_row(&inner, r)).collect::<Result<Vec<_>, _>>()?);
        Ok(Page::from_overfetch(rows, page.limit, |s| s.id.to_string()))
    }

    async fn get_subscription(&self, tenant: &TenantId, id: SubscriptionId) -> Result<Option<Subscription>, RepoError> {
        let sql = format!("SELECT {SUBSCRIPTION_COLUMNS} FROM platform_subscriptions WHERE tenant_id = $1 AND id = $2");
        let inner = self.inner.clone();
        on_read!(self, p => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_optional(p).await.map_err(db_err)?.as_ref().map(|r| subscription_from_row(&inner, r)).transpose())
    }

    async fn delivery_figures(&self, tenant: &TenantId, id: SubscriptionId) -> Result<DeliveryFigures, RepoError> {
        let sql = "SELECT state, COUNT(*) AS n, CAST(COALESCE(SUM(attempts), 0) AS BIGINT) AS attempts FROM notification_deliveries
                   WHERE tenant_id = $1 AND channel_id = $2 GROUP BY state";
        let rows: Vec<(String, i64, i64)> = on_read!(self, p => sqlx::query_as(sql).bind(tenant.as_str())
            .bind(id.as_uuid()).fetch_all(p).await.map_err(db_err)?);
        let mut f = DeliveryFigures::default();
        for (state, n, attempts) in rows {
            f.attempts += attempts;
            match state.as_str() {
                "pending" => f.pending = n,
                "retrying" => f.retrying = n,
                "delivered" => f.delivered = n,
                _ => f.dead += n,
            }
        }
        let sql = "SELECT created_at, delivered_at FROM notification_deliveries
                   WHERE tenant_id = $1 AND channel_id = $2 AND state = 'delivered' ORDER BY seq DESC LIMIT $3";
        let times: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = on_read!(self, p => sqlx::query_as(sql)
            .bind(tenant.as_str()).bind(id.as_uuid()).bind(LATENCY_SAMPLE).fetch_all(p).await.map_err(db_err)?);
        f.latencies_ms = times.into_iter().filter_map(|(c, d)| d.map(|d| (d - c).num_milliseconds().max(0))).collect();
        Ok(f)
    }
}
