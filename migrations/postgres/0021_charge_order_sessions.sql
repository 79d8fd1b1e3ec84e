-- The session a platform's order started (linked when the session's start event is consumed).
ALTER TABLE charge_orders ADD COLUMN session_id UUID;
CREATE INDEX charge_orders_session ON charge_orders (tenant_id, session_id);
