-- The document type (证件类型) of each person in the population register, version 3 of the
-- schema (PostgreSQL): the twin of `../sqlite/0003_population_id_type.sql`. Same conventions as
-- 0001. People registered before it hold resident ID cards. Unlike SQLite, PostgreSQL can drop
-- the uniqueness of `id_number` on its own: a number is unique within its document type.
ALTER TABLE population ADD COLUMN id_type TEXT NOT NULL DEFAULT 'resident_id_card';
ALTER TABLE population DROP CONSTRAINT population_id_number_key;
ALTER TABLE population ADD CONSTRAINT population_id_type_id_number_key UNIQUE (id_type, id_number);
