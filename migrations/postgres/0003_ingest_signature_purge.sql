-- Replay-log purge runs by age across integrations (every minute), not per request.
CREATE INDEX ingest_signatures_seen_at ON ingest_signatures (seen_at);
