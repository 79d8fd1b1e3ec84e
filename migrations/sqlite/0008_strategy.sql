-- Strategies (SQLite): versioned definitions per station, when each is due next, the last
-- set-points sent per actuator, and the executions (one per evaluation).

CREATE TABLE strategies (
    id                BLOB PRIMARY KEY,
    tenant_id         TEXT NOT NULL,
    station_id        BLOB NOT NULL,
    name              TEXT NOT NULL,
    type              TEXT NOT NULL,
    params            TEXT NOT NULL,
    enabled           INTEGER NOT NULL,
    version           INTEGER NOT NULL,
    targets           TEXT,
    deadband_w        INTEGER NOT NULL,
    command_timeout_s INTEGER NOT NULL,
    deleted_at        TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    next_due_at       TEXT NOT NULL
);
CREATE INDEX strategies_tenant ON strategies (tenant_id, id);
CREATE INDEX strategies_due ON strategies (next_due_at) WHERE enabled AND deleted_at IS NULL;

CREATE TABLE strategy_versions (
    strategy_id BLOB NOT NULL,
    version     INTEGER NOT NULL,
    tenant_id   TEXT NOT NULL,
    snapshot    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (strategy_id, version)
);

CREATE TABLE strategy_last_sent (
    strategy_id  BLOB NOT NULL,
    actuator     TEXT NOT NULL,
    tenant_id    TEXT NOT NULL,
    setpoint     TEXT NOT NULL,
    device_ids   TEXT NOT NULL,
    execution_id BLOB NOT NULL,
    sent_at      TEXT NOT NULL,
    PRIMARY KEY (strategy_id, actuator)
);

CREATE TABLE strategy_executions (
    id               BLOB PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    strategy_id      BLOB NOT NULL,
    strategy_version INTEGER NOT NULL,
    station_id       BLOB NOT NULL,
    at               TEXT NOT NULL,
    outcome          TEXT NOT NULL,
    note             TEXT,
    inputs           TEXT NOT NULL,
    decision         TEXT NOT NULL,
    commands         TEXT NOT NULL
);
CREATE INDEX strategy_executions_by_strategy ON strategy_executions (tenant_id, strategy_id, id);
