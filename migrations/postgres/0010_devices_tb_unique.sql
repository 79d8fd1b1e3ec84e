-- One ThingsBoard device belongs to one device of one tenant: commands go out through one
-- platform-wide ThingsBoard login, so a tenant must not be able to map (and command) another
-- tenant's ThingsBoard device, and the per-device command lock must cover every path to it.
CREATE UNIQUE INDEX devices_tb_device_unique ON devices (tb_device_id) WHERE tb_device_id IS NOT NULL;
