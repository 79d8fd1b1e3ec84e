-- Commands (PostgreSQL): device commands with their state, lease for the dispatcher, and every
-- state transition with its reason.

CREATE TABLE commands (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id               UUID NOT NULL UNIQUE,
    tenant_id        TEXT NOT NULL,
    device_id        UUID NOT NULL,
    station_id       UUID NOT NULL,
    method           TEXT NOT NULL,
    params           JSONB NOT NULL,
    timeout_s        BIGINT NOT NULL,
    oneway           BOOLEAN NOT NULL,
    parallel         BOOLEAN NOT NULL,
    persistent       BOOLEAN NOT NULL,
    protocol         TEXT NOT NULL,
    target           TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'delivered', 'succeeded', 'failed', 'timed_out', 'expired', 'cancelled')),
    origin           JSONB NOT NULL,
    idempotency_key  TEXT,
    fingerprint      TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    deadline         TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    attempts         BIGINT NOT NULL,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    last_error       TEXT,
    lease_owner      TEXT,
    lease_until      TIMESTAMPTZ,
    rpc_id           TEXT,
    rpc_checked_at   TIMESTAMPTZ,
    response         JSONB,
    reason           TEXT NOT NULL
);
CREATE UNIQUE INDEX commands_idempotency ON commands (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX commands_rpc ON commands (tenant_id, rpc_id) WHERE rpc_id IS NOT NULL;
CREATE INDEX commands_tenant ON commands (tenant_id, seq);
CREATE INDEX commands_due ON commands (next_attempt_at, seq) WHERE state = 'pending';
CREATE INDEX commands_live_device ON commands (device_id, seq) WHERE state IN ('pending', 'sent', 'delivered');
CREATE INDEX commands_deadline ON commands (deadline) WHERE state IN ('pending', 'sent', 'delivered');
-- Persistent commands waiting for their RPC's next state (reconciliation asks the platform).
CREATE INDEX commands_rpc_waiting ON commands (updated_at) WHERE state IN ('sent', 'delivered') AND rpc_id IS NOT NULL;

CREATE TABLE command_transitions (
    command_id  UUID NOT NULL,
    position    BIGINT NOT NULL,
    tenant_id   TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    reason      TEXT NOT NULL,
    PRIMARY KEY (command_id, position)
);

-- Persistent-RPC state messages whose RPC id no command carried yet (ThingsBoard reported it
-- while the dispatcher was still storing the id): applied when the id is stored, purged after
-- commands.early_rpc_ttl_s, at most commands.early_rpc_max_per_tenant per tenant.
CREATE TABLE command_rpc_early_updates (
    tenant_id    TEXT NOT NULL,
    rpc_id       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('QUEUED', 'SENT', 'DELIVERED', 'SUCCESSFUL', 'TIMEOUT', 'EXPIRED', 'FAILED')),
    response     JSONB,
    received_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, rpc_id, status)
);
CREATE INDEX command_rpc_early_updates_age ON command_rpc_early_updates (received_at);
CREATE INDEX command_rpc_early_updates_tenant_age ON command_rpc_early_updates (tenant_id, received_at);
