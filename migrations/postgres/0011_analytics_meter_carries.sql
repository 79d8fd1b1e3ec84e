-- Analytics: the cycle high each counter started and ended a computed hour with, so the next
-- hour starts from it and a stale start is detected (PostgreSQL).

CREATE TABLE analytics_meter_carries (
    station_id  UUID NOT NULL,
    hour_start  TIMESTAMPTZ NOT NULL,
    device_id   UUID NOT NULL,
    point       TEXT NOT NULL,
    tenant_id   TEXT NOT NULL,
    high_in     DOUBLE PRECISION,
    high_out    DOUBLE PRECISION,
    PRIMARY KEY (station_id, hour_start, device_id, point)
);
