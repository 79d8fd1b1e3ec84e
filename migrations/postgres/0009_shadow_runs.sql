-- Shadow runs: a strategy replayed over a station's history with a simulated battery. Each run
-- has a row of kind 'shadow_run' in jobs (progress), kept in step by the same transactions. A running
-- run is leased (lease_until, renewed after every day); a run whose lease ran out is claimed again.
CREATE TABLE shadow_runs (
    id           UUID PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    job_id       UUID NOT NULL UNIQUE,
    station_id   UUID NOT NULL,
    spec         JSONB NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    days_done    BIGINT NOT NULL,
    days_total   BIGINT NOT NULL,
    error        TEXT,
    report       JSONB,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    started_at   TIMESTAMPTZ,
    finished_at  TIMESTAMPTZ,
    lease_until  TIMESTAMPTZ
);
CREATE INDEX shadow_runs_tenant ON shadow_runs (tenant_id, created_at);
CREATE INDEX shadow_runs_queue ON shadow_runs (state, created_at);
