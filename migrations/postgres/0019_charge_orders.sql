-- Third-party platforms' charge orders (crates/platform): one per (tenant, order number), for ever,
-- so a platform's order never starts two charges.
CREATE TABLE charge_orders (
    tenant_id         TEXT NOT NULL,
    order_no          TEXT NOT NULL,
    charge_point_id   UUID NOT NULL,
    port              BIGINT NOT NULL,
    mode              TEXT NOT NULL CHECK (mode IN ('full', 'time', 'energy', 'power')),
    limit_value       BIGINT,
    id_tag            TEXT NOT NULL,
    start_command_id  UUID NOT NULL,
    stop_command_id   UUID,
    created_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, order_no)
);
CREATE INDEX charge_orders_port ON charge_orders (tenant_id, charge_point_id, port, created_at);
