-- Alarms and notifications (SQLite): rules with per-device evaluation state, alarms with their
-- history (the SSE stream), notification channels and persisted deliveries.

CREATE TABLE alarm_rules (
    id           BLOB PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    version      INTEGER NOT NULL,
    enabled      INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('threshold', 'no_data')),
    station_id   BLOB,
    device_id    BLOB,
    device_kind  TEXT,
    spec         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX alarm_rules_tenant ON alarm_rules (tenant_id, id);
CREATE INDEX alarm_rules_enabled ON alarm_rules (tenant_id, kind) WHERE enabled;

CREATE TABLE alarm_rule_states (
    rule_id       BLOB NOT NULL,
    device_id     BLOB NOT NULL,
    tenant_id     TEXT NOT NULL,
    state         TEXT NOT NULL,
    pending_since TEXT,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (rule_id, device_id)
);
CREATE INDEX alarm_rule_states_pending ON alarm_rule_states (pending_since) WHERE pending_since IS NOT NULL;

CREATE TABLE alarms (
    id               BLOB PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    rule_id          BLOB NOT NULL,
    rule_version     INTEGER NOT NULL,
    device_id        BLOB NOT NULL,
    station_id       BLOB NOT NULL,
    severity         TEXT NOT NULL,
    acknowledged     INTEGER NOT NULL,
    cleared          INTEGER NOT NULL,
    started_at       TEXT NOT NULL,
    ended_at         TEXT NOT NULL,
    acknowledged_at  TEXT,
    acknowledged_by  TEXT,
    cleared_at       TEXT,
    cleared_by       TEXT,
    assignee         TEXT,
    message          TEXT NOT NULL,
    point            TEXT,
    last_value       REAL,
    threshold        TEXT,
    count            INTEGER NOT NULL,
    escalate_at      TEXT,
    escalated_at     TEXT,
    notified         INTEGER NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX alarms_one_open ON alarms (tenant_id, rule_id, device_id) WHERE NOT cleared;
CREATE INDEX alarms_tenant ON alarms (tenant_id, id);
CREATE INDEX alarms_escalation ON alarms (escalate_at) WHERE escalated_at IS NULL AND NOT cleared AND NOT acknowledged;

CREATE TABLE alarm_history (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   TEXT NOT NULL,
    alarm_id    BLOB NOT NULL,
    rule_id     BLOB NOT NULL,
    device_id   BLOB NOT NULL,
    station_id  BLOB NOT NULL,
    action      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    comment     TEXT,
    severity    TEXT NOT NULL,
    status      TEXT NOT NULL,
    message     TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX alarm_history_tenant ON alarm_history (tenant_id, seq);
CREATE INDEX alarm_history_alarm ON alarm_history (alarm_id, seq);

CREATE TABLE notification_channels (
    id          BLOB PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    config      TEXT NOT NULL,
    enabled     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX notification_channels_tenant ON notification_channels (tenant_id, id);

CREATE TABLE notification_deliveries (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               BLOB NOT NULL UNIQUE,
    tenant_id        TEXT NOT NULL,
    channel_id       BLOB NOT NULL,
    alarm_id         BLOB,
    event            TEXT NOT NULL,
    title            TEXT NOT NULL,
    text             TEXT NOT NULL,
    payload          TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('pending', 'retrying', 'delivered', 'dead')),
    attempts         INTEGER NOT NULL,
    next_attempt_at  TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    age_from         TEXT NOT NULL,
    last_error       TEXT,
    delivered_at     TEXT,
    lease_owner      TEXT,
    lease_until      TEXT
);
CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at, seq) WHERE state IN ('pending', 'retrying');
CREATE INDEX notification_deliveries_queue ON notification_deliveries (channel_id, alarm_id, seq) WHERE state IN ('pending', 'retrying');
CREATE INDEX notification_deliveries_tenant ON notification_deliveries (tenant_id, seq);
