-- A device's commands, newest first: the third-party logs and the last configuration read
-- (`GET /devices/{id}/params`) list one device's commands of a tenant, which the tenant's
-- seq index made a walk over every command of the tenant.
CREATE INDEX commands_device ON commands (tenant_id, device_id, seq);
