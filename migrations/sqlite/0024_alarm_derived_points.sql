-- Derived points of the alarms context: facts that integration events tell (a charge point
-- online, a port faulted, the share of failed sessions, the notification backlog), kept as latest
-- values beside telemetry_latest so ordinary threshold rules evaluate them; and the outcomes of
-- ended sessions per charger device, from which the session error rate is computed.
CREATE TABLE alarm_derived_points (
    tenant_id  TEXT NOT NULL,
    device_id  BLOB NOT NULL,
    point      TEXT NOT NULL,
    ts         TEXT NOT NULL,
    num_value  REAL NOT NULL,
    detail     TEXT,
    PRIMARY KEY (tenant_id, device_id, point)
);

CREATE TABLE alarm_session_outcomes (
    tenant_id   TEXT NOT NULL,
    session_id  BLOB NOT NULL,
    device_id   BLOB NOT NULL,
    failed      INTEGER NOT NULL,
    ended_at    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, session_id)
);
CREATE INDEX alarm_session_outcomes_device ON alarm_session_outcomes (tenant_id, device_id, ended_at);
