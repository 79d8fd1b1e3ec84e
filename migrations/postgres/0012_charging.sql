-- Charging (PostgreSQL): OCPP 1.6J charge points with their HTTP Basic password hash, connectors and
-- their status history, charging sessions (transaction id unique per tenant) with transitions and
-- meter samples, stops that matched no session, the tenant's id tags and list version, and the
-- per-tenant transaction id counter. Timestamps UTC; energy in integer Wh.

CREATE TABLE charge_points (
    id                   UUID PRIMARY KEY,
    tenant_id            TEXT NOT NULL,
    station_id           UUID,
    device_id            UUID,
    identity             TEXT NOT NULL,
    protocol             TEXT NOT NULL,
    vendor               TEXT,
    model                TEXT,
    serial_number        TEXT,
    firmware_version     TEXT,
    meter_type           TEXT,
    meter_serial_number  TEXT,
    registration         TEXT NOT NULL CHECK (registration IN ('accepted', 'pending', 'rejected')),
    connected            BOOLEAN NOT NULL,
    last_seen            TIMESTAMPTZ,
    last_boot_at         TIMESTAMPTZ,
    password_hash        TEXT,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, identity)
);
CREATE INDEX charge_points_tenant ON charge_points (tenant_id, id);
CREATE INDEX charge_points_silent ON charge_points (last_seen) WHERE connected;

CREATE TABLE charging_connectors (
    charge_point_id    UUID NOT NULL,
    number             BIGINT NOT NULL,
    tenant_id          TEXT NOT NULL,
    status             TEXT NOT NULL,
    error_code         TEXT NOT NULL,
    info               TEXT,
    vendor_id          TEXT,
    vendor_error_code  TEXT,
    status_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (charge_point_id, number)
);

CREATE TABLE charging_connector_history (
    seq                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id          TEXT NOT NULL,
    charge_point_id    UUID NOT NULL,
    number             BIGINT NOT NULL,
    from_status        TEXT,
    status             TEXT NOT NULL,
    error_code         TEXT NOT NULL,
    info               TEXT,
    vendor_id          TEXT,
    vendor_error_code  TEXT,
    at                 TIMESTAMPTZ NOT NULL,
    received_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX charging_connector_history_connector ON charging_connector_history (charge_point_id, number, seq);

CREATE TABLE charging_sessions (
    id                    UUID PRIMARY KEY,
    tenant_id             TEXT NOT NULL,
    charge_point_id       UUID NOT NULL,
    station_id            UUID,
    transaction_id        BIGINT NOT NULL,
    connector             BIGINT NOT NULL,
    id_tag                TEXT NOT NULL,
    id_tag_key            TEXT NOT NULL,
    authorization_status  TEXT NOT NULL,
    reservation_id        BIGINT,
    state                 TEXT NOT NULL CHECK (state IN ('starting', 'charging', 'suspended_ev', 'suspended_evse', 'finishing', 'completed', 'failed')),
    meter_start_wh        BIGINT NOT NULL,
    last_register_wh      BIGINT NOT NULL,
    meter_stop_wh         BIGINT,
    started_at            TIMESTAMPTZ NOT NULL,
    stopped_at            TIMESTAMPTZ,
    stop_reason           TEXT,
    stop_id_tag           TEXT,
    max_power_w           BIGINT,
    meter_went_backwards  BOOLEAN NOT NULL,
    samples_recorded      BIGINT NOT NULL,
    last_update_event_at  TIMESTAMPTZ,
    updated_at            TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, transaction_id)
);
-- A re-sent StartTransaction is recognised by (charge point, connector, start time).
CREATE INDEX charging_sessions_start ON charging_sessions (tenant_id, charge_point_id, connector, started_at);
CREATE INDEX charging_sessions_open ON charging_sessions (tenant_id, charge_point_id) WHERE state NOT IN ('completed', 'failed');
CREATE INDEX charging_sessions_tag_open ON charging_sessions (tenant_id, id_tag_key) WHERE state NOT IN ('completed', 'failed');
CREATE INDEX charging_sessions_tenant ON charging_sessions (tenant_id, id);

CREATE TABLE charging_session_transitions (
    session_id  UUID NOT NULL,
    position    BIGINT NOT NULL,
    tenant_id   TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    reason      TEXT NOT NULL,
    PRIMARY KEY (session_id, position)
);

CREATE TABLE charging_session_samples (
    seq                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id           TEXT NOT NULL,
    session_id          UUID NOT NULL,
    at                  TIMESTAMPTZ NOT NULL,
    energy_register_wh  BIGINT,
    power_w             BIGINT,
    soc_percent         BIGINT
);
CREATE INDEX charging_session_samples_session ON charging_session_samples (session_id, seq);

CREATE TABLE charging_unmatched_stops (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    charge_point_id  UUID NOT NULL,
    transaction_id   BIGINT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('unknown_transaction', 'after_end')),
    meter_stop_wh    BIGINT NOT NULL,
    stopped_at       TIMESTAMPTZ NOT NULL,
    reason           TEXT,
    id_tag           TEXT,
    received_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX charging_unmatched_stops_tenant ON charging_unmatched_stops (tenant_id, seq);

-- Tags keyed by their upper-case form: OCPP compares id tags case-insensitively.
CREATE TABLE charging_id_tags (
    tenant_id   TEXT NOT NULL,
    tag_key     TEXT NOT NULL,
    token       TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('accepted', 'blocked', 'expired', 'invalid', 'concurrent_tx')),
    expires_at  TIMESTAMPTZ,
    parent      TEXT,
    PRIMARY KEY (tenant_id, tag_key)
);

CREATE TABLE charging_local_lists (
    tenant_id  TEXT PRIMARY KEY,
    version    BIGINT NOT NULL
);

-- Last transaction id handed out per tenant (OCPP transaction ids are 32-bit integers).
CREATE TABLE charging_transaction_ids (
    tenant_id  TEXT PRIMARY KEY,
    last_id    BIGINT NOT NULL
);
