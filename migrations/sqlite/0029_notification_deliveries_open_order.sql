-- A delivery waits while an earlier one of its (channel, order_key) is open; the claim asks that
-- of every due candidate. On the full (channel_id, order_key, seq) index the question walked
-- every delivered notice of the key (a charge point's key gathers thousands), and a claim over
-- a backlog took up to a minute; on the open rows alone it is one index probe.
CREATE INDEX notification_deliveries_open_order ON notification_deliveries (channel_id, order_key, seq)
    WHERE state IN ('pending', 'retrying');
