-- Payment certificates (缴费证明), version 2 of the schema. Same conventions as 0001.

-- One certificate per paid payment order, issued once. `number` is the certificate number of
-- the signed QR payload (`<year><10-digit sequence>`); `payload` is the 92 signed bytes and
-- `qr_text` the text issued with them, kept so that asking again answers the same QR.
-- `tax_office` is the issuing office as it was at issue time. Status: valid → refunded |
-- superseded.
CREATE TABLE certificates (
    id TEXT PRIMARY KEY,
    number BIGINT NOT NULL UNIQUE,
    order_id TEXT NOT NULL REFERENCES payment_orders (id),
    person_id TEXT NOT NULL REFERENCES population (id),
    key_index INTEGER NOT NULL,
    payload BLOB NOT NULL,
    qr_text TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    tax_office TEXT NOT NULL,
    status TEXT NOT NULL,
    version BIGINT NOT NULL,
    issued_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX certificates_one_per_order ON certificates (order_id);
CREATE INDEX certificates_by_person ON certificates (person_id);
