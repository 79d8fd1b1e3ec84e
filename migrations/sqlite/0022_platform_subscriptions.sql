-- Platform subscriptions: a tenant's webhook receivers of charging, settlement and alarm events.
-- `config` holds {url, secret}, sealed with the master key like notification channel settings.
CREATE TABLE platform_subscriptions (
    id                  BLOB PRIMARY KEY,
    tenant_id           TEXT NOT NULL,
    config              TEXT NOT NULL,
    event_types         TEXT NOT NULL,
    progress_interval_s INTEGER NOT NULL,
    enabled             INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX platform_subscriptions_tenant ON platform_subscriptions (tenant_id, id);

-- Deliveries with the same ordering key (a session, a charge point, an alarm) reach one
-- receiver in order: only the oldest unfinished one of a (channel, order_key) is due.
ALTER TABLE notification_deliveries ADD COLUMN order_key TEXT;
CREATE INDEX notification_deliveries_order ON notification_deliveries (channel_id, order_key, seq);
