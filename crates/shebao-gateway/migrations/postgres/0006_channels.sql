-- Payment channels beyond UnionPay, exception handling and refunds, version 6 of the schema
-- (postgres): the twin of `../sqlite/0006_channels.sql`. Same conventions as 0001.

-- The simulated channels' books (sandbox mode only), one table for all five channels; the
-- UnionPay-only table it replaces is copied over. Status: open → paid → refunded, or
-- open → closed. `funding` is the source the payer chose (bank_card); `queries` counts the
-- gateway's queries of the order (the query-timeout fault answers the first ones late).
CREATE TABLE sandbox_channel_orders (
    attempt_id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    ticket_number TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    channel_txn_id TEXT,
    funding TEXT,
    card_last4 TEXT,
    paid_at BIGINT,
    notified_at BIGINT,
    closed_at BIGINT,
    refund_id TEXT,
    refunded_at BIGINT,
    queries BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX sandbox_channel_orders_txn ON sandbox_channel_orders (channel, channel_txn_id);
INSERT INTO sandbox_channel_orders (attempt_id, channel, amount_fen, ticket_number, expires_at,
    status, channel_txn_id, funding, card_last4, paid_at, notified_at, created_at)
    SELECT attempt_id, 'unionpay', amount_fen, ticket_number, expires_at, status,
        channel_txn_id, CASE WHEN status = 'paid' THEN 'bank_card' END, card_last4, paid_at,
        notified_at, created_at
    FROM sandbox_unionpay_orders;
DROP TABLE sandbox_unionpay_orders;

-- A refunded attempt: the channel's refund id and when the money went back. The last time
-- the recovery job asked the channel about it.
ALTER TABLE payment_attempts ADD COLUMN refund_id TEXT;
ALTER TABLE payment_attempts ADD COLUMN refunded_at BIGINT;
ALTER TABLE payment_attempts ADD COLUMN queried_at BIGINT;
CREATE INDEX payment_attempts_by_status ON payment_attempts (status);

-- When an order was voided (票证作废) or refunded, and the operator's reason for a refund.
ALTER TABLE payment_orders ADD COLUMN voided_at BIGINT;
ALTER TABLE payment_orders ADD COLUMN refunded_at BIGINT;
ALTER TABLE payment_orders ADD COLUMN refund_reason TEXT;
