-- Masterdata (stations, devices, point mappings), ThingsBoard integrations and telemetry (PostgreSQL).

CREATE TABLE stations (
    id            UUID PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    time_zone     TEXT NOT NULL,
    latitude      DOUBLE PRECISION,
    longitude     DOUBLE PRECISION,
    capacity_kw   DOUBLE PRECISION,
    tb_asset_id   TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, code)
);
CREATE INDEX stations_tenant ON stations (tenant_id, id);

CREATE TABLE devices (
    id             UUID PRIMARY KEY,
    tenant_id      TEXT NOT NULL,
    station_id     UUID NOT NULL REFERENCES stations (id),
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    tb_device_id   TEXT,
    protocol       TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, name)
);
CREATE INDEX devices_tenant ON devices (tenant_id, id);
CREATE INDEX devices_station ON devices (station_id);
CREATE INDEX devices_tb ON devices (tenant_id, tb_device_id);

-- scope 'kind:<kind>' (template) or 'device:<uuid>' (override).
CREATE TABLE point_mappings (
    id          UUID PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    scope       TEXT NOT NULL,
    raw_key     TEXT NOT NULL,
    point       TEXT NOT NULL,
    scale       DOUBLE PRECISION NOT NULL,
    "offset"    DOUBLE PRECISION NOT NULL,
    unit        TEXT,
    version     BIGINT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, scope, raw_key)
);

CREATE TABLE integrations (
    id                      UUID PRIMARY KEY,
    tenant_id               TEXT NOT NULL,
    name                    TEXT NOT NULL,
    secret                  TEXT NOT NULL,
    previous_secret         TEXT,
    previous_valid_until    TIMESTAMPTZ,
    allow_static            BOOLEAN NOT NULL,
    created_by              TEXT NOT NULL,
    created_at              TIMESTAMPTZ NOT NULL,
    revoked_at              TIMESTAMPTZ
);
CREATE INDEX integrations_tenant ON integrations (tenant_id, id);

CREATE TABLE ingest_signatures (
    integration_id  UUID NOT NULL,
    signature       TEXT NOT NULL,
    seen_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (integration_id, signature)
);

-- Partitioned by day on ts; the default partition keeps anything outside the created days.
CREATE TABLE telemetry_points (
    tenant_id    TEXT NOT NULL,
    device_id    UUID NOT NULL,
    point        TEXT NOT NULL,
    ts           TIMESTAMPTZ NOT NULL,
    num_value    DOUBLE PRECISION,
    value        JSONB NOT NULL,
    raw_key      TEXT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, device_id, point, ts)
) PARTITION BY RANGE (ts);
CREATE TABLE telemetry_points_default PARTITION OF telemetry_points DEFAULT;

CREATE TABLE telemetry_latest (
    tenant_id    TEXT NOT NULL,
    device_id    UUID NOT NULL,
    point        TEXT NOT NULL,
    ts           TIMESTAMPTZ NOT NULL,
    num_value    DOUBLE PRECISION,
    value        JSONB NOT NULL,
    PRIMARY KEY (tenant_id, device_id, point)
);

CREATE TABLE telemetry_unrouted (
    id              UUID PRIMARY KEY,
    tenant_id       TEXT NOT NULL,
    device          TEXT NOT NULL,
    device_type     TEXT,
    ts              TIMESTAMPTZ NOT NULL,
    raw_key         TEXT NOT NULL,
    value           JSONB NOT NULL,
    reason          TEXT NOT NULL,
    received_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, device, raw_key, ts)
);
CREATE INDEX telemetry_unrouted_device ON telemetry_unrouted (tenant_id, device);
