-- Shebao gateway schema, version 1 (SQLite).
--
-- Conventions, kept so that a PostgreSQL twin of this file reads the same: instants are Unix
-- seconds (BIGINT), money is whole fen (BIGINT), months are 'YYYY-MM' text, flags are 0/1
-- INTEGER. Every row with a lifecycle carries (status, version); a transition is a
-- compare-and-set on both plus an `events` row in the same transaction.

CREATE TABLE meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The gateway's own signing keys (response signatures now, certificate keys later).
-- LIMITATION: secret halves are stored in the database as base64url; a production deployment
-- would keep them in a key store.
CREATE TABLE gateway_keys (
    kid TEXT PRIMARY KEY,
    key_use TEXT NOT NULL,
    key_index INTEGER,
    secret_key TEXT NOT NULL,
    public_key TEXT NOT NULL,
    not_before BIGINT NOT NULL,
    not_after BIGINT NOT NULL
);

-- Public keys of the payment channels whose notifications the gateway trusts.
CREATE TABLE channel_keys (
    channel TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- (kid, nonce) pairs seen in the last NONCE_MEMORY_SECONDS; the key decides a replay.
CREATE TABLE nonces (
    kid TEXT NOT NULL,
    nonce TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (kid, nonce)
);
CREATE INDEX nonces_by_seen_at ON nonces (seen_at);

-- One row per (device, Idempotency-Key): the request's fingerprint and, once complete, the
-- response. `locked_until` is the lease of the request that is running it.
CREATE TABLE idempotency_keys (
    kid TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    method TEXT NOT NULL,
    target TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    locked_until BIGINT NOT NULL,
    response_status INTEGER,
    response_content_type TEXT,
    response_body BLOB,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (kid, idempotency_key)
);
CREATE INDEX idempotency_keys_by_created_at ON idempotency_keys (created_at);

-- Only the SHA-256 of the upper-cased answer is kept here.
CREATE TABLE captchas (
    id TEXT PRIMARY KEY,
    kid TEXT NOT NULL,
    answer_hash TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Plain answers, written only by a gateway in sandbox mode so journeys can be automated.
CREATE TABLE sandbox_captcha_answers (
    captcha_id TEXT PRIMARY KEY,
    answer TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- The population register (fictional people in the sandbox). `insured` is a separate fact.
CREATE TABLE population (
    id TEXT PRIMARY KEY,
    id_number TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    insured INTEGER NOT NULL
);

-- Only the SHA-256 of an identity token is kept; a token is bound to one device and person.
CREATE TABLE identity_tokens (
    token_hash TEXT PRIMARY KEY,
    kid TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES population (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX identity_tokens_by_expires_at ON identity_tokens (expires_at);

-- 核定: the agreed item, base and period; payable once transmitted.
CREATE TABLE assessments (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES population (id),
    item TEXT NOT NULL,
    base_fen BIGINT NOT NULL,
    period_type TEXT NOT NULL,
    first_month TEXT NOT NULL,
    last_month TEXT NOT NULL,
    assessed_at BIGINT NOT NULL,
    transmitted_at BIGINT
);

-- One fee period of an assessment: payable → declared → paid (declared → payable on a void).
CREATE TABLE payables (
    id TEXT PRIMARY KEY,
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    person_id TEXT NOT NULL REFERENCES population (id),
    item TEXT NOT NULL,
    base_fen BIGINT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    status TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX payables_by_person ON payables (person_id, status);

CREATE TABLE declarations (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES population (id),
    status TEXT NOT NULL,
    version BIGINT NOT NULL,
    total_fen BIGINT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    declared_at BIGINT NOT NULL,
    paid_at BIGINT
);

-- Lines are priced when declared and never re-priced.
CREATE TABLE declaration_lines (
    declaration_id TEXT NOT NULL REFERENCES declarations (id),
    line_no INTEGER NOT NULL,
    payable_id TEXT NOT NULL REFERENCES payables (id),
    item TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    months INTEGER NOT NULL,
    base_fen BIGINT NOT NULL,
    rate TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    personal_fen BIGINT NOT NULL,
    pooled_fen BIGINT NOT NULL,
    policy_status TEXT NOT NULL,
    PRIMARY KEY (declaration_id, line_no)
);

CREATE TABLE payment_orders (
    id TEXT PRIMARY KEY,
    declaration_id TEXT NOT NULL REFERENCES declarations (id),
    person_id TEXT NOT NULL REFERENCES population (id),
    ticket_number TEXT NOT NULL UNIQUE,
    amount_fen BIGINT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    status TEXT NOT NULL,
    version BIGINT NOT NULL,
    channel TEXT,
    paid_at BIGINT,
    created_at BIGINT NOT NULL
);
-- One open order per declaration, whatever races the application code loses.
CREATE UNIQUE INDEX payment_orders_one_open ON payment_orders (declaration_id)
    WHERE status IN ('created', 'awaiting_payment', 'unknown');

CREATE TABLE payment_attempts (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES payment_orders (id),
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    version BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    pay_url TEXT NOT NULL,
    qr_text TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    channel_txn_id TEXT,
    succeeded_at BIGINT,
    duplicate INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX payment_attempts_by_order ON payment_attempts (order_id);

-- Every verified channel notification, once: the key deduplicates retries.
CREATE TABLE channel_notifications (
    channel TEXT NOT NULL,
    channel_txn_id TEXT NOT NULL,
    attempt_id TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    paid_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (channel, channel_txn_id)
);

-- Append-only history of every status transition.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    at BIGINT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX events_by_entity ON events (entity, entity_id);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

-- The simulated UnionPay channel's own books (sandbox mode only): its secret key and the
-- orders the gateway opened with it.
CREATE TABLE sandbox_channel_keys (
    channel TEXT PRIMARY KEY,
    secret_key TEXT NOT NULL
);

CREATE TABLE sandbox_unionpay_orders (
    attempt_id TEXT PRIMARY KEY,
    amount_fen BIGINT NOT NULL,
    ticket_number TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    channel_txn_id TEXT UNIQUE,
    card_last4 TEXT,
    paid_at BIGINT,
    notified_at BIGINT,
    created_at BIGINT NOT NULL
);
