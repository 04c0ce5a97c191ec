-- The document type (证件类型) of each person in the population register, version 3 of the
-- schema. Same conventions as 0001. People registered before it hold resident ID cards.
-- LIMITATION: `id_number` stays unique on its own (SQLite cannot drop the constraint without
-- rebuilding the table), so two types cannot share one number in the register.
ALTER TABLE population ADD COLUMN id_type TEXT NOT NULL DEFAULT 'resident_id_card';
