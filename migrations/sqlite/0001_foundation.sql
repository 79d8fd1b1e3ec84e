-- Foundation schema (SQLite): tenants, transactional outbox, idempotent consumers,
-- dead letters, API keys and the audit log. UUIDs are 16-byte BLOBs, times RFC 3339 UTC text.

CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE outbox_events (
    id              BLOB PRIMARY KEY,
    tenant_id       TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    schema_version  INTEGER NOT NULL,
    aggregate_type  TEXT NOT NULL,
    aggregate_id    TEXT NOT NULL,
    occurred_at     TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_owner     TEXT,
    lease_until     TEXT,
    last_error      TEXT,
    delivered_at    TEXT
);
CREATE INDEX outbox_events_due ON outbox_events (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_events_delivered ON outbox_events (delivered_at) WHERE status = 'delivered';

CREATE TABLE processed_events (
    consumer     TEXT NOT NULL,
    event_id     BLOB NOT NULL,
    processed_at TEXT NOT NULL,
    PRIMARY KEY (consumer, event_id)
);

CREATE TABLE dead_letters (
    id               BLOB PRIMARY KEY,
    event_id         BLOB NOT NULL REFERENCES outbox_events (id),
    tenant_id        TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    last_error       TEXT NOT NULL,
    failed_consumers TEXT NOT NULL,
    dead_at          TEXT NOT NULL,
    replayed_at      TEXT,
    replayed_by      TEXT
);
CREATE INDEX dead_letters_tenant ON dead_letters (tenant_id, id);
CREATE INDEX dead_letters_open ON dead_letters (event_id) WHERE replayed_at IS NULL;

CREATE TABLE api_keys (
    id          BLOB PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
    prefix      TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id);

CREATE TABLE audit_log (
    id          BLOB PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    status      INTEGER NOT NULL,
    request_id  TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id);
