-- Foundation schema (PostgreSQL): tenants, transactional outbox, idempotent consumers,
-- dead letters, API keys and the audit log.

CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE outbox_events (
    id              UUID PRIMARY KEY,
    tenant_id       TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    schema_version  BIGINT NOT NULL,
    aggregate_type  TEXT NOT NULL,
    aggregate_id    TEXT NOT NULL,
    occurred_at     TIMESTAMPTZ NOT NULL,
    payload         JSONB NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    lease_owner     TEXT,
    lease_until     TIMESTAMPTZ,
    last_error      TEXT,
    delivered_at    TIMESTAMPTZ
);
CREATE INDEX outbox_events_due ON outbox_events (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_events_delivered ON outbox_events (delivered_at) WHERE status = 'delivered';

CREATE TABLE processed_events (
    consumer     TEXT NOT NULL,
    event_id     UUID NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (consumer, event_id)
);

CREATE TABLE dead_letters (
    id               UUID PRIMARY KEY,
    event_id         UUID NOT NULL REFERENCES outbox_events (id),
    tenant_id        TEXT NOT NULL,
    attempts         BIGINT NOT NULL,
    last_error       TEXT NOT NULL,
    failed_consumers TEXT NOT NULL,
    dead_at          TIMESTAMPTZ NOT NULL,
    replayed_at      TIMESTAMPTZ,
    replayed_by      TEXT
);
CREATE INDEX dead_letters_tenant ON dead_letters (tenant_id, id);
CREATE INDEX dead_letters_open ON dead_letters (event_id) WHERE replayed_at IS NULL;

CREATE TABLE api_keys (
    id          UUID PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
    prefix      TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id);

CREATE TABLE audit_log (
    id          UUID PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    status      BIGINT NOT NULL,
    request_id  TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id);
