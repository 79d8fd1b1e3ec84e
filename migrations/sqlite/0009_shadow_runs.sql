-- Shadow runs: a strategy replayed over a station's history with a simulated battery. Each run
-- has a row of kind 'shadow_run' in jobs (progress), kept in step by the same transactions. A running
-- run is leased (lease_until, renewed after every day); a run whose lease ran out is claimed again.
CREATE TABLE shadow_runs (
    id           BLOB PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    job_id       BLOB NOT NULL UNIQUE,
    station_id   BLOB NOT NULL,
    spec         TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    days_done    INTEGER NOT NULL,
    days_total   INTEGER NOT NULL,
    error        TEXT,
    report       TEXT,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    started_at   TEXT,
    finished_at  TEXT,
    lease_until  TEXT
);
CREATE INDEX shadow_runs_tenant ON shadow_runs (tenant_id, created_at);
CREATE INDEX shadow_runs_queue ON shadow_runs (state, created_at);
