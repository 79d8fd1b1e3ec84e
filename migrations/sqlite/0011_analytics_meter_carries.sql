-- Analytics: the cycle high each counter started and ended a computed hour with, so the next
-- hour starts from it and a stale start is detected (SQLite).

CREATE TABLE analytics_meter_carries (
    station_id  BLOB NOT NULL,
    hour_start  TEXT NOT NULL,
    device_id   BLOB NOT NULL,
    point       TEXT NOT NULL,
    tenant_id   TEXT NOT NULL,
    high_in     REAL,
    high_out    REAL,
    PRIMARY KEY (station_id, hour_start, device_id, point)
);
