-- How the gateway learned of each channel payment, and which faults a sandbox order shows, version 8 of the schema (sqlite): the twin of
-- `../postgres/0008_payment_sources.sql`. Same conventions as 0001.

-- `found_by`: `notification` (the channel's notification came first) or `query` (the
-- recovery job's or a ticket void's query of the channel found it first). `deliveries`: how
-- many notifications of the payment the gateway accepted, copies and late ones included (0:
-- the channel never notified it).
ALTER TABLE channel_notifications ADD COLUMN found_by TEXT NOT NULL DEFAULT 'notification';
ALTER TABLE channel_notifications ADD COLUMN deliveries BIGINT NOT NULL DEFAULT 1;

-- The simulated channels' books (sandbox mode only): the draw from the seeded fault stream
-- that decides which faults with a share apply to the order.
ALTER TABLE sandbox_channel_orders ADD COLUMN fault_draw BIGINT NOT NULL DEFAULT 0;
