-- Masterdata (stations, devices, point mappings), ThingsBoard integrations and telemetry (SQLite).

CREATE TABLE stations (
    id            BLOB PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    time_zone     TEXT NOT NULL,
    latitude      REAL,
    longitude     REAL,
    capacity_kw   REAL,
    tb_asset_id   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (tenant_id, code)
);
CREATE INDEX stations_tenant ON stations (tenant_id, id);

CREATE TABLE devices (
    id             BLOB PRIMARY KEY,
    tenant_id      TEXT NOT NULL,
    station_id     BLOB NOT NULL REFERENCES stations (id),
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    tb_device_id   TEXT,
    protocol       TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (tenant_id, name)
);
CREATE INDEX devices_tenant ON devices (tenant_id, id);
CREATE INDEX devices_station ON devices (station_id);
CREATE INDEX devices_tb ON devices (tenant_id, tb_device_id);

-- scope 'kind:<kind>' (template) or 'device:<uuid>' (override).
CREATE TABLE point_mappings (
    id          BLOB PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    scope       TEXT NOT NULL,
    raw_key     TEXT NOT NULL,
    point       TEXT NOT NULL,
    scale       REAL NOT NULL,
    "offset"    REAL NOT NULL,
    unit        TEXT,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (tenant_id, scope, raw_key)
);

CREATE TABLE integrations (
    id                      BLOB PRIMARY KEY,
    tenant_id               TEXT NOT NULL,
    name                    TEXT NOT NULL,
    secret                  TEXT NOT NULL,
    previous_secret         TEXT,
    previous_valid_until    TEXT,
    allow_static            INTEGER NOT NULL,
    created_by              TEXT NOT NULL,
    created_at              TEXT NOT NULL,
    revoked_at              TEXT
);
CREATE INDEX integrations_tenant ON integrations (tenant_id, id);

CREATE TABLE ingest_signatures (
    integration_id  BLOB NOT NULL,
    signature       TEXT NOT NULL,
    seen_at         TEXT NOT NULL,
    PRIMARY KEY (integration_id, signature)
);

CREATE TABLE telemetry_points (
    tenant_id    TEXT NOT NULL,
    device_id    BLOB NOT NULL,
    point        TEXT NOT NULL,
    ts           TEXT NOT NULL,
    num_value    REAL,
    value        TEXT NOT NULL,
    raw_key      TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, device_id, point, ts)
) WITHOUT ROWID;

CREATE TABLE telemetry_latest (
    tenant_id    TEXT NOT NULL,
    device_id    BLOB NOT NULL,
    point        TEXT NOT NULL,
    ts           TEXT NOT NULL,
    num_value    REAL,
    value        TEXT NOT NULL,
    PRIMARY KEY (tenant_id, device_id, point)
) WITHOUT ROWID;

CREATE TABLE telemetry_unrouted (
    id              BLOB PRIMARY KEY,
    tenant_id       TEXT NOT NULL,
    device          TEXT NOT NULL,
    device_type     TEXT,
    ts              TEXT NOT NULL,
    raw_key         TEXT NOT NULL,
    value           TEXT NOT NULL,
    reason          TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    UNIQUE (tenant_id, device, raw_key, ts)
);
CREATE INDEX telemetry_unrouted_device ON telemetry_unrouted (tenant_id, device);
