-- Alarms and notifications (PostgreSQL): rules with per-device evaluation state, alarms with their
-- history (the SSE stream), notification channels and persisted deliveries.

CREATE TABLE alarm_rules (
    id           UUID PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    version      BIGINT NOT NULL,
    enabled      BOOLEAN NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('threshold', 'no_data')),
    station_id   UUID,
    device_id    UUID,
    device_kind  TEXT,
    spec         JSONB NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX alarm_rules_tenant ON alarm_rules (tenant_id, id);
CREATE INDEX alarm_rules_enabled ON alarm_rules (tenant_id, kind) WHERE enabled;

CREATE TABLE alarm_rule_states (
    rule_id       UUID NOT NULL,
    device_id     UUID NOT NULL,
    tenant_id     TEXT NOT NULL,
    state         JSONB NOT NULL,
    pending_since TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (rule_id, device_id)
);
CREATE INDEX alarm_rule_states_pending ON alarm_rule_states (pending_since) WHERE pending_since IS NOT NULL;

CREATE TABLE alarms (
    id               UUID PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    rule_id          UUID NOT NULL,
    rule_version     BIGINT NOT NULL,
    device_id        UUID NOT NULL,
    station_id       UUID NOT NULL,
    severity         TEXT NOT NULL,
    acknowledged     BOOLEAN NOT NULL,
    cleared          BOOLEAN NOT NULL,
    started_at       TIMESTAMPTZ NOT NULL,
    ended_at         TIMESTAMPTZ NOT NULL,
    acknowledged_at  TIMESTAMPTZ,
    acknowledged_by  TEXT,
    cleared_at       TIMESTAMPTZ,
    cleared_by       TEXT,
    assignee         TEXT,
    message          TEXT NOT NULL,
    point            TEXT,
    last_value       DOUBLE PRECISION,
    threshold        TEXT,
    count            BIGINT NOT NULL,
    escalate_at      TIMESTAMPTZ,
    escalated_at     TIMESTAMPTZ,
    notified         BOOLEAN NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX alarms_one_open ON alarms (tenant_id, rule_id, device_id) WHERE NOT cleared;
CREATE INDEX alarms_tenant ON alarms (tenant_id, id);
CREATE INDEX alarms_escalation ON alarms (escalate_at) WHERE escalated_at IS NULL AND NOT cleared AND NOT acknowledged;

CREATE TABLE alarm_history (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    alarm_id    UUID NOT NULL,
    rule_id     UUID NOT NULL,
    device_id   UUID NOT NULL,
    station_id  UUID NOT NULL,
    action      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    comment     TEXT,
    severity    TEXT NOT NULL,
    status      TEXT NOT NULL,
    message     TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX alarm_history_tenant ON alarm_history (tenant_id, seq);
CREATE INDEX alarm_history_alarm ON alarm_history (alarm_id, seq);

CREATE TABLE notification_channels (
    id          UUID PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    config      JSONB NOT NULL,
    enabled     BOOLEAN NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX notification_channels_tenant ON notification_channels (tenant_id, id);

CREATE TABLE notification_deliveries (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id               UUID NOT NULL UNIQUE,
    tenant_id        TEXT NOT NULL,
    channel_id       UUID NOT NULL,
    alarm_id         UUID,
    event            TEXT NOT NULL,
    title            TEXT NOT NULL,
    text             TEXT NOT NULL,
    payload          JSONB NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('pending', 'retrying', 'delivered', 'dead')),
    attempts         BIGINT NOT NULL,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    age_from         TIMESTAMPTZ NOT NULL,
    last_error       TEXT,
    delivered_at     TIMESTAMPTZ,
    lease_owner      TEXT,
    lease_until      TIMESTAMPTZ
);
CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at, seq) WHERE state IN ('pending', 'retrying');
CREATE INDEX notification_deliveries_queue ON notification_deliveries (channel_id, alarm_id, seq) WHERE state IN ('pending', 'retrying');
CREATE INDEX notification_deliveries_tenant ON notification_deliveries (tenant_id, seq);
