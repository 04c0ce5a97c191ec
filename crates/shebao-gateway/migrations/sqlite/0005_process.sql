-- Registration, assessment with transmission, and declaration void (申报作废), version 5 of the
-- schema. Same conventions as 0001.

-- 参保登记 + 缴费登记: one row per person registered as a flexible-employment insured person
-- (`population.insured` stays the flag identity confirmation reads). `agency` is the 经办机构;
-- NULL for people insured before this table existed, answered as the configured agency.
CREATE TABLE insured_persons (
    person_id TEXT PRIMARY KEY REFERENCES population (id),
    agency TEXT,
    since_month TEXT NOT NULL,
    registered_at BIGINT NOT NULL
);
INSERT INTO insured_persons (person_id, agency, since_month, registered_at)
SELECT p.id, NULL, COALESCE(MIN(a.first_month), '2000-01'), 0
FROM population p LEFT JOIN assessments a ON a.person_id = p.id
WHERE p.insured = 1
GROUP BY p.id;

-- An assessment's lifecycle: assessed → transmitting → payable. `transmitted_at` is when
-- transmission (传输) completes (the ready time); a `transmitting` row past it is moved to
-- `payable` the next time it is read. `group_id` joins the rows (one per item) that one
-- request assessed; older rows are their own group. Rows from before this version were
-- transmitted when they were made.
ALTER TABLE assessments ADD COLUMN status TEXT NOT NULL DEFAULT 'payable';
ALTER TABLE assessments ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE assessments ADD COLUMN group_id TEXT NOT NULL DEFAULT '';
UPDATE assessments SET group_id = id;
CREATE INDEX assessments_by_group ON assessments (group_id);
CREATE INDEX assessments_by_person ON assessments (person_id, status);

-- 申报作废: when and why a declaration was voided.
ALTER TABLE declarations ADD COLUMN voided_at BIGINT;
ALTER TABLE declarations ADD COLUMN void_reason TEXT;
