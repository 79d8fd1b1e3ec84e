-- A tenant can be disabled (`mgc tenant disable`): its tokens, API keys and integrations are
-- refused until it is enabled again. NULL = active.
ALTER TABLE tenants ADD COLUMN disabled_at TIMESTAMPTZ;
