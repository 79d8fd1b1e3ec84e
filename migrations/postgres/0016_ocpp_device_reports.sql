-- What charge points report besides charging: every DataTransfer, DiagnosticsStatusNotification and
-- FirmwareStatusNotification (DataTransfer data bounded by the charging context), and the latest
-- diagnostics and firmware status with its time on the charge point.
ALTER TABLE charge_points ADD COLUMN firmware_status TEXT;
ALTER TABLE charge_points ADD COLUMN firmware_status_at TIMESTAMPTZ;
ALTER TABLE charge_points ADD COLUMN diagnostics_status TEXT;
ALTER TABLE charge_points ADD COLUMN diagnostics_status_at TIMESTAMPTZ;

CREATE TABLE ocpp_device_reports (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    charge_point_id  UUID NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('data_transfer', 'diagnostics_status', 'firmware_status')),
    vendor_id        TEXT,
    message_id       TEXT,
    data             TEXT,
    data_truncated   BOOLEAN NOT NULL,
    status           TEXT,
    answer           TEXT,
    received_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX ocpp_device_reports_charge_point ON ocpp_device_reports (tenant_id, charge_point_id, seq);
