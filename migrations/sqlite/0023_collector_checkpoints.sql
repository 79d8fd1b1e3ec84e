-- The pull collector's per-device energy counters and the power sample they end with, per source
-- (so /metrics counters continue after a restart); the rows also name the devices a source fed.
CREATE TABLE collector_checkpoints (
    tenant_id     TEXT NOT NULL,
    source        TEXT NOT NULL,
    device_id     BLOB NOT NULL,
    reference     TEXT NOT NULL,
    import_wh     REAL NOT NULL,
    export_wh     REAL NOT NULL,
    last_ts       TEXT,
    last_power_w  REAL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, source, device_id)
);
