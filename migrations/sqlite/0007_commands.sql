-- Commands (SQLite): device commands with their state, lease for the dispatcher, and every
-- state transition with its reason.

CREATE TABLE commands (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               BLOB NOT NULL UNIQUE,
    tenant_id        TEXT NOT NULL,
    device_id        BLOB NOT NULL,
    station_id       BLOB NOT NULL,
    method           TEXT NOT NULL,
    params           TEXT NOT NULL,
    timeout_s        INTEGER NOT NULL,
    oneway           INTEGER NOT NULL,
    parallel         INTEGER NOT NULL,
    persistent       INTEGER NOT NULL,
    protocol         TEXT NOT NULL,
    target           TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'delivered', 'succeeded', 'failed', 'timed_out', 'expired', 'cancelled')),
    origin           TEXT NOT NULL,
    idempotency_key  TEXT,
    fingerprint      TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    deadline         TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT,
    lease_owner      TEXT,
    lease_until      TEXT,
    rpc_id           TEXT,
    rpc_checked_at   TEXT,
    response         TEXT,
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
    command_id  BLOB NOT NULL,
    position    INTEGER NOT NULL,
    tenant_id   TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    at          TEXT NOT NULL,
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
    response     TEXT,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, rpc_id, status)
);
CREATE INDEX command_rpc_early_updates_age ON command_rpc_early_updates (received_at);
CREATE INDEX command_rpc_early_updates_tenant_age ON command_rpc_early_updates (tenant_id, received_at);
