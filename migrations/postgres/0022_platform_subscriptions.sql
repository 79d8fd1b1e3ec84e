-- Platform subscriptions: a tenant's webhook receivers of charging, settlement and alarm events.
-- `config` holds {url, secret}, sealed with the master key like notification channel settings.
CREATE TABLE platform_subscriptions (
    id                  UUID PRIMARY KEY,
    tenant_id           TEXT NOT NULL,
    config              JSONB NOT NULL,
    event_types         JSONB NOT NULL,
    progress_interval_s BIGINT NOT NULL,
    enabled             BOOLEAN NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX platform_subscriptions_tenant ON platform_subscriptions (tenant_id, id);

-- Deliveries with the same ordering key (a session, a charge point, an alarm) reach one
-- receiver in order: only the oldest unfinished one of a (channel, order_key) is due.
ALTER TABLE notification_deliveries ADD COLUMN order_key TEXT;
CREATE INDEX notification_deliveries_order ON notification_deliveries (channel_id, order_key, seq);
