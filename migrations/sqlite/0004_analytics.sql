-- Analytics: closing cursors, dirty hours, versioned station and device-point statistics, jobs (SQLite).

CREATE TABLE analytics_cursors (
    station_id    BLOB PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    time_zone     TEXT NOT NULL,
    tracked_from  TEXT NOT NULL,
    closed_until  TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE analytics_dirty_hours (
    station_id  BLOB NOT NULL,
    hour_start  TEXT NOT NULL,
    tenant_id   TEXT NOT NULL,
    marked_at   TEXT NOT NULL,
    PRIMARY KEY (station_id, hour_start)
);

CREATE TABLE stat_station (
    station_id            BLOB NOT NULL,
    granularity           TEXT NOT NULL,
    period_start          TEXT NOT NULL,
    version               INTEGER NOT NULL,
    tenant_id             TEXT NOT NULL,
    period_end            TEXT NOT NULL,
    period                TEXT NOT NULL,
    is_current            INTEGER NOT NULL,
    grid_import_wh        INTEGER NOT NULL,
    grid_export_wh        INTEGER NOT NULL,
    pv_generation_wh      INTEGER NOT NULL,
    battery_charge_wh     INTEGER NOT NULL,
    battery_discharge_wh  INTEGER NOT NULL,
    load_wh               INTEGER NOT NULL,
    charging_wh           INTEGER NOT NULL,
    coverage              REAL NOT NULL,
    quality               TEXT,
    slots                 TEXT NOT NULL,
    sources               TEXT NOT NULL,
    calculated_at         TEXT NOT NULL,
    PRIMARY KEY (station_id, granularity, period_start, version)
);
CREATE INDEX stat_station_current ON stat_station (station_id, granularity, period_start) WHERE is_current;

CREATE TABLE stat_point (
    station_id    BLOB NOT NULL,
    granularity   TEXT NOT NULL,
    period_start  TEXT NOT NULL,
    device_id     BLOB NOT NULL,
    point         TEXT NOT NULL,
    version       INTEGER NOT NULL,
    tenant_id     TEXT NOT NULL,
    period_end    TEXT NOT NULL,
    period        TEXT NOT NULL,
    is_current    INTEGER NOT NULL,
    sample_count  INTEGER NOT NULL,
    min_value     REAL,
    max_value     REAL,
    mean_value    REAL,
    first_value   REAL,
    last_value    REAL,
    energy_wh     INTEGER,
    coverage      REAL NOT NULL,
    quality       TEXT,
    PRIMARY KEY (station_id, granularity, period_start, device_id, point, version)
);
CREATE INDEX stat_point_current ON stat_point (station_id, granularity, period_start) WHERE is_current;

CREATE TABLE jobs (
    id           BLOB PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    params       TEXT NOT NULL,
    state        TEXT NOT NULL,
    done         INTEGER NOT NULL,
    total        INTEGER NOT NULL,
    errors       TEXT NOT NULL,
    result       TEXT,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    started_at   TEXT,
    finished_at  TEXT
);
CREATE INDEX jobs_queue ON jobs (kind, state, created_at);
