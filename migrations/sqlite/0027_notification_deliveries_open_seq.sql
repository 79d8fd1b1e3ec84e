-- The delivery worker claims the oldest due deliveries that head their (channel, key) queue:
-- ORDER BY seq over the open rows. Walking this index in seq order finds them after the few
-- in flight, where the due-time index made every claim read and sort the whole backlog
-- (a connect storm's tens of thousands of notices).
CREATE INDEX notification_deliveries_open_seq ON notification_deliveries (seq) WHERE state IN ('pending', 'retrying');
