-- The app's local journal (app data folder, journal.sqlite3): state-changing requests written
-- before they are sent, the idempotency key of each user intent, and the people remembered on
-- this device (a random local id only; their identity tokens live in the OS keyring).

CREATE TABLE intents (
    -- "<gateway fingerprint>:<intent>", e.g. "3f2a...:declare:pay_1,pay_2"
    intent TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE requests (
    idempotency_key TEXT PRIMARY KEY,
    gateway TEXT NOT NULL,
    -- the remembered person whose identity token the request carries
    person_id TEXT,
    method TEXT NOT NULL,
    target TEXT NOT NULL,
    body BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    finished_at BIGINT,
    -- "answered", or the gateway's refusal code
    outcome TEXT,
    -- the id the answer named (declaration, order, attempt, certificate number)
    answer_id TEXT,
    -- 1 when a restart sent it again; 2 once the app has shown that outcome
    replay_state INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX requests_unfinished ON requests (gateway) WHERE finished_at IS NULL;

CREATE TABLE people (
    person_id TEXT PRIMARY KEY,
    gateway TEXT NOT NULL,
    confirmed_at BIGINT NOT NULL
);
