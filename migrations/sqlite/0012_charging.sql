-- Charging (SQLite): OCPP 1.6J charge points with their HTTP Basic password hash, connectors and
-- their status history, charging sessions (transaction id unique per tenant) with transitions and
-- meter samples, stops that matched no session, the tenant's id tags and list version, and the
-- per-tenant transaction id counter. Timestamps UTC; energy in integer Wh.

CREATE TABLE charge_points (
    id                   BLOB PRIMARY KEY,
    tenant_id            TEXT NOT NULL,
    station_id           BLOB,
    device_id            BLOB,
    identity             TEXT NOT NULL,
    protocol             TEXT NOT NULL,
    vendor               TEXT,
    model                TEXT,
    serial_number        TEXT,
    firmware_version     TEXT,
    meter_type           TEXT,
    meter_serial_number  TEXT,
    registration         TEXT NOT NULL CHECK (registration IN ('accepted', 'pending', 'rejected')),
    connected            INTEGER NOT NULL,
    last_seen            TEXT,
    last_boot_at         TEXT,
    password_hash        TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (tenant_id, identity)
);
CREATE INDEX charge_points_tenant ON charge_points (tenant_id, id);
CREATE INDEX charge_points_silent ON charge_points (last_seen) WHERE connected;

CREATE TABLE charging_connectors (
    charge_point_id    BLOB NOT NULL,
    number             INTEGER NOT NULL,
    tenant_id          TEXT NOT NULL,
    status             TEXT NOT NULL,
    error_code         TEXT NOT NULL,
    info               TEXT,
    vendor_id          TEXT,
    vendor_error_code  TEXT,
    status_at          TEXT NOT NULL,
    PRIMARY KEY (charge_point_id, number)
);

CREATE TABLE charging_connector_history (
    seq                INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id          TEXT NOT NULL,
    charge_point_id    BLOB NOT NULL,
    number             INTEGER NOT NULL,
    from_status        TEXT,
    status             TEXT NOT NULL,
    error_code         TEXT NOT NULL,
    info               TEXT,
    vendor_id          TEXT,
    vendor_error_code  TEXT,
    at                 TEXT NOT NULL,
    received_at        TEXT NOT NULL
);
CREATE INDEX charging_connector_history_connector ON charging_connector_history (charge_point_id, number, seq);

CREATE TABLE charging_sessions (
    id                    BLOB PRIMARY KEY,
    tenant_id             TEXT NOT NULL,
    charge_point_id       BLOB NOT NULL,
    station_id            BLOB,
    transaction_id        INTEGER NOT NULL,
    connector             INTEGER NOT NULL,
    id_tag                TEXT NOT NULL,
    id_tag_key            TEXT NOT NULL,
    authorization_status  TEXT NOT NULL,
    reservation_id        INTEGER,
    state                 TEXT NOT NULL CHECK (state IN ('starting', 'charging', 'suspended_ev', 'suspended_evse', 'finishing', 'completed', 'failed')),
    meter_start_wh        INTEGER NOT NULL,
    last_register_wh      INTEGER NOT NULL,
    meter_stop_wh         INTEGER,
    started_at            TEXT NOT NULL,
    stopped_at            TEXT,
    stop_reason           TEXT,
    stop_id_tag           TEXT,
    max_power_w           INTEGER,
    meter_went_backwards  INTEGER NOT NULL,
    samples_recorded      INTEGER NOT NULL,
    last_update_event_at  TEXT,
    updated_at            TEXT NOT NULL,
    UNIQUE (tenant_id, transaction_id)
);
-- A re-sent StartTransaction is recognised by (charge point, connector, start time).
CREATE INDEX charging_sessions_start ON charging_sessions (tenant_id, charge_point_id, connector, started_at);
CREATE INDEX charging_sessions_open ON charging_sessions (tenant_id, charge_point_id) WHERE state NOT IN ('completed', 'failed');
CREATE INDEX charging_sessions_tag_open ON charging_sessions (tenant_id, id_tag_key) WHERE state NOT IN ('completed', 'failed');
CREATE INDEX charging_sessions_tenant ON charging_sessions (tenant_id, id);

CREATE TABLE charging_session_transitions (
    session_id  BLOB NOT NULL,
    position    INTEGER NOT NULL,
    tenant_id   TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    at          TEXT NOT NULL,
    reason      TEXT NOT NULL,
    PRIMARY KEY (session_id, position)
);

CREATE TABLE charging_session_samples (
    seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id           TEXT NOT NULL,
    session_id          BLOB NOT NULL,
    at                  TEXT NOT NULL,
    energy_register_wh  INTEGER,
    power_w             INTEGER,
    soc_percent         INTEGER
);
CREATE INDEX charging_session_samples_session ON charging_session_samples (session_id, seq);

CREATE TABLE charging_unmatched_stops (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        TEXT NOT NULL,
    charge_point_id  BLOB NOT NULL,
    transaction_id   INTEGER NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('unknown_transaction', 'after_end')),
    meter_stop_wh    INTEGER NOT NULL,
    stopped_at       TEXT NOT NULL,
    reason           TEXT,
    id_tag           TEXT,
    received_at      TEXT NOT NULL
);
CREATE INDEX charging_unmatched_stops_tenant ON charging_unmatched_stops (tenant_id, seq);

-- Tags keyed by their upper-case form: OCPP compares id tags case-insensitively.
CREATE TABLE charging_id_tags (
    tenant_id   TEXT NOT NULL,
    tag_key     TEXT NOT NULL,
    token       TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('accepted', 'blocked', 'expired', 'invalid', 'concurrent_tx')),
    expires_at  TEXT,
    parent      TEXT,
    PRIMARY KEY (tenant_id, tag_key)
);

CREATE TABLE charging_local_lists (
    tenant_id  TEXT PRIMARY KEY,
    version    INTEGER NOT NULL
);

-- Last transaction id handed out per tenant (OCPP transaction ids are 32-bit integers).
CREATE TABLE charging_transaction_ids (
    tenant_id  TEXT PRIMARY KEY,
    last_id    INTEGER NOT NULL
);
