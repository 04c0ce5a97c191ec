-- Tax payment certificates (完税证明), version 7 of the schema (PostgreSQL): the twin of
-- `../sqlite/0007_tax_certificates.sql`. Same conventions as 0001.

-- A 完税证明 over one or several paid payment orders of one person, reprintable after
-- natural-person login. `number` comes from the same number space as `certificates.number`
-- (the gateway checks both tables under its write lock); `payload` is the 92 signed bytes of
-- the certificate QR payload v1 and `qr_text` the text issued with them. `selection` is the
-- covered order ids, sorted and joined with commas: reprinting the same selection answers the
-- valid certificate that has it. Status: valid → refunded (a covered order was refunded) |
-- superseded (a later certificate covers one of its orders).
CREATE TABLE tax_certificates (
    id TEXT PRIMARY KEY,
    number BIGINT NOT NULL UNIQUE,
    person_id TEXT NOT NULL REFERENCES population (id),
    selection TEXT NOT NULL,
    key_index BIGINT NOT NULL,
    payload BYTEA NOT NULL,
    qr_text TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    tax_office TEXT NOT NULL,
    status TEXT NOT NULL,
    version BIGINT NOT NULL,
    issued_at BIGINT NOT NULL
);
CREATE INDEX tax_certificates_by_person ON tax_certificates (person_id, selection);
-- At most one valid certificate per selection, whatever races the application code loses.
CREATE UNIQUE INDEX tax_certificates_one_valid ON tax_certificates (person_id, selection)
    WHERE status = 'valid';

-- The payment orders a 完税证明 covers, in the order it prints them.
CREATE TABLE tax_certificate_orders (
    certificate_id TEXT NOT NULL REFERENCES tax_certificates (id),
    order_id TEXT NOT NULL REFERENCES payment_orders (id),
    position BIGINT NOT NULL,
    PRIMARY KEY (certificate_id, order_id)
);
CREATE INDEX tax_certificate_orders_by_order ON tax_certificate_orders (order_id);
