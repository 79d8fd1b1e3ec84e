-- The audit trail of charging: every step of a charge point's life and of each session, appended in
-- the unit of work of the state change it records, with the protocol frame that carried it.
-- Ordered by id (UUID v7, append order). Kept by the retention sweep: events of ended sessions for
-- [charging] timeline_session_days, events without a session for timeline_event_days; events of a
-- session still open are never deleted.
CREATE TABLE charging_timeline (
    id                UUID PRIMARY KEY,
    tenant_id         TEXT NOT NULL,
    charge_point_id   UUID NOT NULL,
    station_id        UUID,
    connector         BIGINT,
    session_id        UUID,
    kind              TEXT NOT NULL,
    at                TIMESTAMPTZ NOT NULL,
    frame_protocol    TEXT,
    frame_message_id  TEXT,
    frame_action      TEXT,
    details           JSONB NOT NULL
);
CREATE INDEX charging_timeline_charge_point ON charging_timeline (tenant_id, charge_point_id, id);
CREATE INDEX charging_timeline_session ON charging_timeline (tenant_id, session_id, id);
CREATE INDEX charging_timeline_at ON charging_timeline (at);
