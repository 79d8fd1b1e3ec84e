-- Derived points of the alarms context: facts that integration events tell (a charge point
-- online, a port faulted, the share of failed sessions, the notification backlog), kept as latest
-- values beside telemetry_latest so ordinary threshold rules evaluate them; and the outcomes of
-- ended sessions per charger device, from which the session error rate is computed.
CREATE TABLE alarm_derived_points (
    tenant_id  TEXT NOT NULL,
    device_id  UUID NOT NULL,
    point      TEXT NOT NULL,
    ts         TIMESTAMPTZ NOT NULL,
    num_value  DOUBLE PRECISION NOT NULL,
    detail     TEXT,
    PRIMARY KEY (tenant_id, device_id, point)
);

CREATE TABLE alarm_session_outcomes (
    tenant_id   TEXT NOT NULL,
    session_id  UUID NOT NULL,
    device_id   UUID NOT NULL,
    failed      BOOLEAN NOT NULL,
    ended_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, session_id)
);
CREATE INDEX alarm_session_outcomes_device ON alarm_session_outcomes (tenant_id, device_id, ended_at);
