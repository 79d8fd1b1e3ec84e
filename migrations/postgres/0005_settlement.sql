-- Settlement: tariffs (versioned), station assignments, day inputs, daily settlements with
-- versions and adjustments, monthly statements (PostgreSQL). Local dates are TEXT 'YYYY-MM-DD'.

CREATE TABLE tariffs (
    id          UUID PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    currency    TEXT NOT NULL,
    version     BIGINT NOT NULL,
    spec        JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    deleted_at  TIMESTAMPTZ
);
CREATE INDEX tariffs_tenant ON tariffs (tenant_id, id);

CREATE TABLE tariff_versions (
    tariff_id   UUID NOT NULL REFERENCES tariffs (id),
    version     BIGINT NOT NULL,
    tenant_id   TEXT NOT NULL,
    spec        JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tariff_id, version)
);

CREATE TABLE station_tariffs (
    station_id      UUID NOT NULL,
    effective_from  TEXT NOT NULL,
    tenant_id       TEXT NOT NULL,
    tariff_id       UUID NOT NULL REFERENCES tariffs (id),
    assigned_at     TIMESTAMPTZ NOT NULL,
    assigned_by     TEXT NOT NULL,
    PRIMARY KEY (station_id, effective_from)
);
CREATE INDEX station_tariffs_tariff ON station_tariffs (tenant_id, tariff_id);

CREATE TABLE settlement_inputs (
    station_id    UUID NOT NULL,
    day           TEXT NOT NULL,
    tenant_id     TEXT NOT NULL,
    time_zone     TEXT NOT NULL,
    day_start     TIMESTAMPTZ NOT NULL,
    day_end       TIMESTAMPTZ NOT NULL,
    stat_version  BIGINT NOT NULL,
    slots         JSONB NOT NULL,
    sources       JSONB NOT NULL,
    received_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (station_id, day)
);

CREATE TABLE settlements (
    id             UUID PRIMARY KEY,
    tenant_id      TEXT NOT NULL,
    station_id     UUID NOT NULL,
    day            TEXT NOT NULL,
    time_zone      TEXT NOT NULL,
    day_start      TIMESTAMPTZ NOT NULL,
    day_end        TIMESTAMPTZ NOT NULL,
    day_end_epoch  BIGINT NOT NULL,
    state          TEXT NOT NULL,
    version        BIGINT NOT NULL,
    frozen_at      TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, station_id, day)
);
CREATE INDEX settlements_freeze ON settlements (state, day_end_epoch);
CREATE INDEX settlements_day ON settlements (tenant_id, day);

CREATE TABLE settlement_versions (
    settlement_id  UUID NOT NULL REFERENCES settlements (id),
    version        BIGINT NOT NULL,
    tenant_id      TEXT NOT NULL,
    body           JSONB NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (settlement_id, version)
);

CREATE TABLE settlement_adjustments (
    id             UUID PRIMARY KEY,
    tenant_id      TEXT NOT NULL,
    settlement_id  UUID NOT NULL REFERENCES settlements (id),
    station_id     UUID NOT NULL,
    day            TEXT NOT NULL,
    body           JSONB NOT NULL,
    statement_id   UUID,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX settlement_adjustments_settlement ON settlement_adjustments (settlement_id, created_at);
CREATE INDEX settlement_adjustments_station ON settlement_adjustments (tenant_id, station_id, statement_id);

CREATE TABLE statements (
    id            UUID PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    station_id    UUID NOT NULL,
    month         TEXT NOT NULL,
    version       BIGINT NOT NULL,
    state         TEXT NOT NULL,
    body          JSONB NOT NULL,
    content_hash  TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    issued_at     TIMESTAMPTZ,
    voided_at     TIMESTAMPTZ,
    void_reason   TEXT,
    UNIQUE (tenant_id, station_id, month, version)
);
CREATE INDEX statements_tenant ON statements (tenant_id, id);
