-- Analytics: closing cursors, dirty hours, versioned station and device-point statistics, jobs (PostgreSQL).

CREATE TABLE analytics_cursors (
    station_id    UUID PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    time_zone     TEXT NOT NULL,
    tracked_from  TIMESTAMPTZ NOT NULL,
    closed_until  TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE analytics_dirty_hours (
    station_id  UUID NOT NULL,
    hour_start  TIMESTAMPTZ NOT NULL,
    tenant_id   TEXT NOT NULL,
    marked_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (station_id, hour_start)
);

CREATE TABLE stat_station (
    station_id            UUID NOT NULL,
    granularity           TEXT NOT NULL,
    period_start          TIMESTAMPTZ NOT NULL,
    version               BIGINT NOT NULL,
    tenant_id             TEXT NOT NULL,
    period_end            TIMESTAMPTZ NOT NULL,
    period                TEXT NOT NULL,
    is_current            BOOLEAN NOT NULL,
    grid_import_wh        BIGINT NOT NULL,
    grid_export_wh        BIGINT NOT NULL,
    pv_generation_wh      BIGINT NOT NULL,
    battery_charge_wh     BIGINT NOT NULL,
    battery_discharge_wh  BIGINT NOT NULL,
    load_wh               BIGINT NOT NULL,
    charging_wh           BIGINT NOT NULL,
    coverage              DOUBLE PRECISION NOT NULL,
    quality               TEXT,
    slots                 JSONB NOT NULL,
    sources               JSONB NOT NULL,
    calculated_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (station_id, granularity, period_start, version)
);
CREATE INDEX stat_station_current ON stat_station (station_id, granularity, period_start) WHERE is_current;

CREATE TABLE stat_point (
    station_id    UUID NOT NULL,
    granularity   TEXT NOT NULL,
    period_start  TIMESTAMPTZ NOT NULL,
    device_id     UUID NOT NULL,
    point         TEXT NOT NULL,
    version       BIGINT NOT NULL,
    tenant_id     TEXT NOT NULL,
    period_end    TIMESTAMPTZ NOT NULL,
    period        TEXT NOT NULL,
    is_current    BOOLEAN NOT NULL,
    sample_count  BIGINT NOT NULL,
    min_value     DOUBLE PRECISION,
    max_value     DOUBLE PRECISION,
    mean_value    DOUBLE PRECISION,
    first_value   DOUBLE PRECISION,
    last_value    DOUBLE PRECISION,
    energy_wh     BIGINT,
    coverage      DOUBLE PRECISION NOT NULL,
    quality       TEXT,
    PRIMARY KEY (station_id, granularity, period_start, device_id, point, version)
);
CREATE INDEX stat_point_current ON stat_point (station_id, granularity, period_start) WHERE is_current;

CREATE TABLE jobs (
    id           UUID PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    params       JSONB NOT NULL,
    state        TEXT NOT NULL,
    done         BIGINT NOT NULL,
    total        BIGINT NOT NULL,
    errors       JSONB NOT NULL,
    result       JSONB,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    started_at   TIMESTAMPTZ,
    finished_at  TIMESTAMPTZ
);
CREATE INDEX jobs_queue ON jobs (kind, state, created_at);
