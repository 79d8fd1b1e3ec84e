-- The pull collector's per-device energy counters and the power sample they end with, per source
-- (so /metrics counters continue after a restart); the rows also name the devices a source fed.
CREATE TABLE collector_checkpoints (
    tenant_id     TEXT NOT NULL,
    source        TEXT NOT NULL,
    device_id     UUID NOT NULL,
    reference     TEXT NOT NULL,
    import_wh     DOUBLE PRECISION NOT NULL,
    export_wh     DOUBLE PRECISION NOT NULL,
    last_ts       TIMESTAMPTZ,
    last_power_w  DOUBLE PRECISION,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, source, device_id)
);
