//! The delivery worker's queue: claim due deliveries (head of each channel/alarm queue only),
//! record outcomes under the lease.

use crate::alarms_rows::{channel_from_row, delivery_from_row, CHANNEL_COLUMNS, DELIVERY_COLUMNS};
use crate::rows::{db_err, tenant_of, RowExt};
use crate::{Backend, Store};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_alarms::{Channel, ChannelConfig, ChannelId, DeliveryId};
use mgc_kernel::{RepoError, TenantId};
use mgc_notify::{ClaimedDelivery, DeliveryQueue};
use mgc_platform::{SubscriptionId, SubscriptionQueries};
use std::collections::HashMap;

impl Store {
    async fn channel_by_id(&self, tenant: &TenantId, id: ChannelId) -> Result<Option<Channel>, RepoError> {
        let sql = format!("SELECT {CHANNEL_COLUMNS} FROM notification_channels WHERE tenant_id = $1 AND id = $2");
        let inner = self.inner.clone();
        on_read!(self, p => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_optional(p).await.map_err(db_err)?.as_ref().map(|r| channel_from_row(&inner, r)).transpose())
    }

    /// Where a delivery goes: a notification channel, or a platform subscription sent as a
    /// webhook channel with its URL and secret (true: a subscription). None when deleted.
    async fn endpoint_of(&self, tenant: &TenantId, id: ChannelId) -> Result<(Option<Channel>, bool), RepoError> {
        if let Some(channel) = self.channel_by_id(tenant, id).await? {
            return Ok((Some(channel), false));
        }
        let sub = SubscriptionQueries::get_subscription(self, tenant, SubscriptionId::from_uuid(id.as_uuid())).await?;
        let channel = sub.map(|s| Channel {
            id,
            tenant: s.tenant,
            name: "platform subscription".into(),
            enabled: s.enabled,
            config: ChannelConfig::Webhook { url: s.url, secret: s.secret, headers: Default::default() },
            created_at: s.created_at,
            updated_at: s.updated_at,
        });
        Ok((channel, true))
    }

    async fn release(&self, sql: &str, owner: &str, id: DeliveryId, r: Releaser<'_>) -> Result<(), RepoError> {
        on_write!(self, p => {
            let mut q = sqlx::query(sql).bind(id.as_uuid()).bind(owner);
            for v in &r.ints { q = q.bind(*v); }
            for v in &r.times { q = q.bind(*v); }
            for v in &r.texts { q = q.bind(*v); }
            q.execute(p).await.map_err(db_err).map(|_| ())
        })
    }
}

/// Extra parameters of an outcome update, bound after id and owner: ints, then times, then texts.
#[derive(Default)]
struct Releaser<'a> {
    ints: Vec<i64>,
    times: Vec<DateTime<Utc>>,
    texts: Vec<&'a str>,
}

#[async_trait]
impl DeliveryQueue for Store {
    async fn claim_deliveries(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ClaimedDelivery>, RepoError> {
        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        // "Is an earlier notice of this key still open?" is asked as the newest earlier open
        // seq (a backward probe from d.seq), not NOT EXISTS: PostgreSQL scans that forward from
        // the key's oldest entry, through every delivered version vacuum has not yet removed
        // from the partial index (2.5 s against 58 ms for 10,000 open notices, docs/performance.md).
        let sql = format!(
            "UPDATE notification_deliveries SET lease_owner = $1, lease_until = $2
             WHERE seq IN (SELECT d.seq FROM notification_deliveries d
                 WHERE d.state IN ('pending', 'retrying') AND d.next_attempt_at <= $3
                 AND (d.lease_until IS NULL OR d.lease_until < $3)
                 AND (SELECT MAX(e.seq) FROM notification_deliveries e WHERE e.channel_id = d.channel_id
                     AND e.alarm_id = d.alarm_id AND e.seq < d.seq AND e.state IN ('pending', 'retrying')) IS NULL
                 AND (SELECT MAX(e.seq) FROM notification_deliveries e WHERE e.channel_id = d.channel_id
                     AND e.order_key = d.order_key AND e.seq < d.seq AND e.state IN ('pending', 'retrying')) IS NULL
                 ORDER BY d.seq LIMIT $4 {lock})
             RETURNING {DELIVERY_COLUMNS}"
        );
        let mut rows = on_write!(self, p => sqlx::query(&sql).bind(owner).bind(lease_until).bind(now).bind(i64::from(limit))
            .fetch_all(p).await.map_err(db_err)?.iter()
            .map(|r| Ok((r.int("seq")?, tenant_of(r)?, delivery_from_row(r)?))).collect::<Result<Vec<_>, RepoError>>()?);
        rows.sort_by_key(|(seq, _, _)| *seq);
        let mut channels: HashMap<ChannelId, (Option<Channel>, bool)> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for (_, tenant, delivery) in rows {
            if let std::collections::hash_map::Entry::Vacant(slot) = channels.entry(delivery.channel_id) {
                slot.insert(self.endpoint_of(&tenant, delivery.channel_id).await?);
            }
            let (channel, subscription) = channels.get(&delivery.channel_id).cloned().unwrap_or_default();
            out.push(ClaimedDelivery { tenant, delivery, channel, subscription });
        }
        Ok(out)
    }

    async fn delivery_succeeded(
        &self,
        owner: &str,
        id: DeliveryId,
        attempts: u32,
        at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let sql = "UPDATE notification_deliveries SET state = 'delivered', attempts = $3, delivered_at = $4, last_error = NULL,
                   lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2";
        self.release(
            sql,
            owner,
            id,
            Releaser { ints: vec![i64::from(attempts)], times: vec![at], ..Releaser::default() },
        )
        .await
    }

    async fn delivery_failed(
        &self,
        owner: &str,
        id: DeliveryId,
        attempts: u32,
        next_attempt_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), RepoError> {
        let sql = "UPDATE notification_deliveries SET state = 'retrying', attempts = $3, next_attempt_at = $4, last_error = $5,
                   lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2";
        self.release(
            sql,
            owner,
            id,
            Releaser { ints: vec![i64::from(attempts)], times: vec![next_attempt_at], texts: vec![error] },
        )
        .await
    }

    async fn delivery_deferred(
        &self,
        owner: &str,
        id: DeliveryId,
        next_attempt_at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let sql = "UPDATE notification_deliveries SET next_attempt_at = $3, lease_owner = NULL, lease_until = NULL
                   WHERE id = $1 AND lease_owner = $2";
        self.release(sql, owner, id, Releaser { times: vec![next_attempt_at], ..Releaser::default() }).await
    }

    async fn delivery_dead(&self, owner: &str, id: DeliveryId, attempts: u32, error: &str) -> Result<(), RepoError> {
        let sql = "UPDATE notification_deliveries SET state = 'dead', attempts = $3, last_error = $4,
                   lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2";
        self.release(
            sql,
            owner,
            id,
            Releaser { ints: vec![i64::from(attempts)], texts: vec![error], ..Releaser::default() },
        )
        .await
    }
}
