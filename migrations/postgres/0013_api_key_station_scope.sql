-- An API key may be restricted to some stations of its tenant (JSON array of station ids; NULL = every
-- station), so a station-scoped admin can only hand out keys no broader than itself.
ALTER TABLE api_keys ADD COLUMN station_ids TEXT;
