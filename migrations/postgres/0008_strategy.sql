-- Strategies (PostgreSQL): versioned definitions per station, when each is due next, the last
-- set-points sent per actuator, and the executions (one per evaluation).

CREATE TABLE strategies (
    id                UUID PRIMARY KEY,
    tenant_id         TEXT NOT NULL,
    station_id        UUID NOT NULL,
    name              TEXT NOT NULL,
    type              TEXT NOT NULL,
    params            JSONB NOT NULL,
    enabled           BOOLEAN NOT NULL,
    version           BIGINT NOT NULL,
    targets           JSONB,
    deadband_w        BIGINT NOT NULL,
    command_timeout_s BIGINT NOT NULL,
    deleted_at        TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    next_due_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX strategies_tenant ON strategies (tenant_id, id);
CREATE INDEX strategies_due ON strategies (next_due_at) WHERE enabled AND deleted_at IS NULL;

CREATE TABLE strategy_versions (
    strategy_id UUID NOT NULL,
    version     BIGINT NOT NULL,
    tenant_id   TEXT NOT NULL,
    snapshot    JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (strategy_id, version)
);

CREATE TABLE strategy_last_sent (
    strategy_id  UUID NOT NULL,
    actuator     TEXT NOT NULL,
    tenant_id    TEXT NOT NULL,
    setpoint     JSONB NOT NULL,
    device_ids   JSONB NOT NULL,
    execution_id UUID NOT NULL,
    sent_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (strategy_id, actuator)
);

CREATE TABLE strategy_executions (
    id               UUID PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    strategy_id      UUID NOT NULL,
    strategy_version BIGINT NOT NULL,
    station_id       UUID NOT NULL,
    at               TIMESTAMPTZ NOT NULL,
    outcome          TEXT NOT NULL,
    note             TEXT,
    inputs           JSONB NOT NULL,
    decision         JSONB NOT NULL,
    commands         JSONB NOT NULL
);
CREATE INDEX strategy_executions_by_strategy ON strategy_executions (tenant_id, strategy_id, id);
