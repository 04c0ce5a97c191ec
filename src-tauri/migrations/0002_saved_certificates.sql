-- Certificates this device saved (the gallery 已保存的证明): what the app needs to render each
-- again — the gateway's certificate as issued (masked name and number only, never the full
-- ones), whether it came from the sandbox — and where its pages went in the album.

CREATE TABLE saved_certificates (
    -- the gateway fingerprint the certificate came from
    gateway TEXT NOT NULL,
    -- the certificate number (decimal digits)
    number TEXT NOT NULL,
    -- the PaymentCertificate as JSON, as the gateway answered it
    certificate TEXT NOT NULL,
    sandbox INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    -- JSON array of the pages' album locations (file paths on desktop)
    pages TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (gateway, number)
);
