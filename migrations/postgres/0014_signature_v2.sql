-- Ingest signature v2 binds method, path, routing headers and body. Integrations registered
-- before it keep accepting the legacy v1 signature (timestamp.body only) until switched off
-- with PATCH /api/v1/integrations/{id} {"legacy_signature": false}; new ones accept v2 only.
ALTER TABLE integrations ADD COLUMN legacy_signature BOOLEAN NOT NULL DEFAULT TRUE;
