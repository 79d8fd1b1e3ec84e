-- A per-station counter of statistic writes: every unit of work that adds or retires a version
-- of a station's statistics (window close, recompute, time-zone rebuild, remap) bumps it in the
-- same transaction. GET /api/v1/stats serves a cached answer only while the station's revision
-- is the one the answer was built at. No row = revision 0 (statistics written before this
-- migration, which no process has cached); rows are never deleted, so a revision never repeats.
CREATE TABLE station_stats_revisions (
    station_id  UUID PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    revision    BIGINT NOT NULL
);
