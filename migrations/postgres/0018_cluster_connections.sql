-- Several `mgc serve` instances on one database. Each running process holds a lease it renews
-- (`[cluster] lease_secs`); a process whose lease ran out is dead, and a live instance releases
-- what it held: its device connections and its claims on commands and outbox events.
CREATE TABLE cluster_instances (
    holder       TEXT PRIMARY KEY,      -- `<instance id>:<process uuid>`, also its claims' lease owner
    instance_id  TEXT NOT NULL,         -- `[outbox] instance_id` (a restart keeps it)
    started_at   TIMESTAMPTZ NOT NULL,
    lease_until  TIMESTAMPTZ NOT NULL
);
CREATE INDEX cluster_instances_lease ON cluster_instances (lease_until);

-- Which process holds the live connection of a device that connects to the service (an OCPP
-- charge point, an AP3000 pile): only that process claims the device's commands. The newest
-- connection wins, wherever it lands.
CREATE TABLE device_connections (
    tenant_id      TEXT NOT NULL,
    protocol       TEXT NOT NULL,
    target         TEXT NOT NULL,       -- the commands' `target` (an OCPP identity, ...)
    holder         TEXT NOT NULL,
    connection_id  UUID NOT NULL,
    connected_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, protocol, target)
);
CREATE INDEX device_connections_holder ON device_connections (holder);
