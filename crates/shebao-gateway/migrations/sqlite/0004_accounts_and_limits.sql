-- Natural-person accounts, their sessions, the devices each person has used, and durable
-- rate-limit counters: version 4 of the schema (SQLite), twin of
-- `../postgres/0004_accounts_and_limits.sql`. Same conventions as 0001.

-- Fixed-window counters. `scope` names what is counted and whose it is, e.g.
-- `captcha:address:203.0.113.7` or `login:id_number:<peppered SHA-256>` (never a plain
-- document number); `window_start` is a multiple of the window length in Unix seconds.
CREATE TABLE rate_limit_counters (
    scope TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (scope, window_start)
);
CREATE INDEX rate_limit_counters_by_expires_at ON rate_limit_counters (expires_at);

-- One account per person. `password_hash` is an Argon2id PHC string. Failed logins count up
-- to the configured limit, which locks the account until `locked_until` and starts again.
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL UNIQUE REFERENCES population (id),
    phone TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    created_at BIGINT NOT NULL
);

-- Only the SHA-256 of a session token is kept; a session is bound to the device that logged in.
CREATE TABLE account_sessions (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    kid TEXT NOT NULL REFERENCES devices (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX account_sessions_by_expires_at ON account_sessions (expires_at);
CREATE INDEX account_sessions_by_kid ON account_sessions (kid);

-- The devices a person has confirmed their identity or logged in on: what "my devices" lists.
CREATE TABLE person_devices (
    person_id TEXT NOT NULL REFERENCES population (id),
    kid TEXT NOT NULL REFERENCES devices (id),
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    PRIMARY KEY (person_id, kid)
);
