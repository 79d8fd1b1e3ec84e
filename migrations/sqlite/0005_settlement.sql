-- Settlement: tariffs (versioned), station assignments, day inputs, daily settlements with
-- versions and adjustments, monthly statements (SQLite). Local dates are TEXT 'YYYY-MM-DD'.

CREATE TABLE tariffs (
    id          BLOB PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    currency    TEXT NOT NULL,
    version     INTEGER NOT NULL,
    spec        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX tariffs_tenant ON tariffs (tenant_id, id);

CREATE TABLE tariff_versions (
    tariff_id   BLOB NOT NULL REFERENCES tariffs (id),
    version     INTEGER NOT NULL,
    tenant_id   TEXT NOT NULL,
    spec        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (tariff_id, version)
);

CREATE TABLE station_tariffs (
    station_id      BLOB NOT NULL,
    effective_from  TEXT NOT NULL,
    tenant_id       TEXT NOT NULL,
    tariff_id       BLOB NOT NULL REFERENCES tariffs (id),
    assigned_at     TEXT NOT NULL,
    assigned_by     TEXT NOT NULL,
    PRIMARY KEY (station_id, effective_from)
);
CREATE INDEX station_tariffs_tariff ON station_tariffs (tenant_id, tariff_id);

CREATE TABLE settlement_inputs (
    station_id    BLOB NOT NULL,
    day           TEXT NOT NULL,
    tenant_id     TEXT NOT NULL,
    time_zone     TEXT NOT NULL,
    day_start     TEXT NOT NULL,
    day_end       TEXT NOT NULL,
    stat_version  INTEGER NOT NULL,
    slots         TEXT NOT NULL,
    sources       TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    PRIMARY KEY (station_id, day)
);

CREATE TABLE settlements (
    id             BLOB PRIMARY KEY,
    tenant_id      TEXT NOT NULL,
    station_id     BLOB NOT NULL,
    day            TEXT NOT NULL,
    time_zone      TEXT NOT NULL,
    day_start      TEXT NOT NULL,
    day_end        TEXT NOT NULL,
    day_end_epoch  INTEGER NOT NULL,
    state          TEXT NOT NULL,
    version        INTEGER NOT NULL,
    frozen_at      TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (tenant_id, station_id, day)
);
CREATE INDEX settlements_freeze ON settlements (state, day_end_epoch);
CREATE INDEX settlements_day ON settlements (tenant_id, day);

CREATE TABLE settlement_versions (
    settlement_id  BLOB NOT NULL REFERENCES settlements (id),
    version        INTEGER NOT NULL,
    tenant_id      TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (settlement_id, version)
);

CREATE TABLE settlement_adjustments (
    id             BLOB PRIMARY KEY,
    tenant_id      TEXT NOT NULL,
    settlement_id  BLOB NOT NULL REFERENCES settlements (id),
    station_id     BLOB NOT NULL,
    day            TEXT NOT NULL,
    body           TEXT NOT NULL,
    statement_id   BLOB,
    created_at     TEXT NOT NULL
);
CREATE INDEX settlement_adjustments_settlement ON settlement_adjustments (settlement_id, created_at);
CREATE INDEX settlement_adjustments_station ON settlement_adjustments (tenant_id, station_id, statement_id);

CREATE TABLE statements (
    id            BLOB PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    station_id    BLOB NOT NULL,
    month         TEXT NOT NULL,
    version       INTEGER NOT NULL,
    state         TEXT NOT NULL,
    body          TEXT NOT NULL,
    content_hash  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    issued_at     TEXT,
    voided_at     TEXT,
    void_reason   TEXT,
    UNIQUE (tenant_id, station_id, month, version)
);
CREATE INDEX statements_tenant ON statements (tenant_id, id);
