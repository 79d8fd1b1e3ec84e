-- A command may ask to wait for its device to come online (retried until its deadline)
-- instead of failing at once when the device is not connected (OCPP charge points).
ALTER TABLE commands ADD COLUMN queue_until_online INTEGER NOT NULL DEFAULT 0;
