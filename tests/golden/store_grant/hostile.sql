-- charter store grant: PostgreSQL roles and row-level security for the
-- coalition 'hostile-titles' (program 'hostile.charter').
-- One transaction: all of it or nothing. It can be run again: each run
-- makes the rights of this coalition's roles what the program says now.
BEGIN;
SET LOCAL standard_conforming_strings = on;
-- the store must exist: charter import makes it
DO $charter$
BEGIN
  IF to_regclass('charter_store') IS NULL OR to_regclass('measurement') IS NULL
     OR to_regclass('import') IS NULL THEN
    RAISE EXCEPTION 'this database holds no Charter measurement store yet: run charter import into it first';
  END IF;
END
$charter$;

-- who may do what: one role per partner, the coalitions it reads, the
-- indicators it writes
CREATE TABLE IF NOT EXISTS charter_role (
  role text COLLATE "C" PRIMARY KEY,
  coalition text COLLATE "C" NOT NULL,
  partner text COLLATE "C" NOT NULL,
  UNIQUE (coalition, partner)
);
CREATE TABLE IF NOT EXISTS charter_reader (
  role text COLLATE "C" NOT NULL REFERENCES charter_role (role) ON DELETE CASCADE,
  coalition text COLLATE "C" NOT NULL,
  PRIMARY KEY (role, coalition)
);
CREATE TABLE IF NOT EXISTS charter_writer (
  role text COLLATE "C" NOT NULL REFERENCES charter_role (role) ON DELETE CASCADE,
  coalition text COLLATE "C" NOT NULL,
  indicator text COLLATE "C" NOT NULL,
  PRIMARY KEY (role, coalition, indicator)
);
-- a member's consent: the networks whose roles may read its rows
CREATE TABLE IF NOT EXISTS charter_share (
  coalition text COLLATE "C" NOT NULL,
  network text COLLATE "C" NOT NULL,
  PRIMARY KEY (coalition, network)
);

-- every right of the roles this coalition had, taken back (also of
-- partners the program no longer declares); given again below
DO $charter$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT o.role FROM charter_role o JOIN pg_roles g ON g.rolname = o.role
           WHERE o.coalition = 'hostile-titles' ORDER BY o.role LOOP
    EXECUTE format('REVOKE ALL ON charter_store, import, measurement, charter_role, charter_reader, '
      'charter_writer, charter_share FROM %I', r.role);
    EXECUTE format('REVOKE ALL ON FUNCTION charter_finish_import(bigint, bigint) FROM %I', r.role);
    EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM %I', current_schema(), r.role);
  END LOOP;
END
$charter$;

-- the networks this coalition lets read its rows (shared_with)
DELETE FROM charter_share WHERE coalition = 'hostile-titles';

-- this coalition's roles
DELETE FROM charter_role WHERE coalition = 'hostile-titles';
INSERT INTO charter_role (role, coalition, partner) VALUES
  ('charter:hostile-titles:quote', 'hostile-titles', 'quote'),
  ('charter:hostile-titles:dollar', 'hostile-titles', 'dollar'),
  ('charter:hostile-titles:a_partner_id_that_is_lo~07894186d91a3d45', 'hostile-titles', 'a_partner_id_that_is_long_enough_to_need_a_hash_in_its_role_name_0123456789');
INSERT INTO charter_reader (role, coalition) VALUES
  ('charter:hostile-titles:quote', 'hostile-titles'),
  ('charter:hostile-titles:dollar', 'hostile-titles'),
  ('charter:hostile-titles:a_partner_id_that_is_lo~07894186d91a3d45', 'hostile-titles');
INSERT INTO charter_writer (role, coalition, indicator) VALUES
  ('charter:hostile-titles:quote', 'hostile-titles', 'q_rate'),
  ('charter:hostile-titles:dollar', 'hostile-titles', 'q_rate'),
  ('charter:hostile-titles:a_partner_id_that_is_lo~07894186d91a3d45', 'hostile-titles', 'long_count');

-- the roles: NOLOGIN (people log in as themselves, and are GRANTed one)
DO $charter$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT role FROM charter_role ORDER BY role LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r.role) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r.role);
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), r.role);
  END LOOP;
END
$charter$;
COMMENT ON ROLE "charter:hostile-titles:quote" IS 'partner quote of coalition hostile-titles: It''s''; DROP TABLE measurement; --';
COMMENT ON ROLE "charter:hostile-titles:dollar" IS 'partner dollar of coalition hostile-titles: $charter$; DROP TABLE import; $charter$ " \   GRANT ALL ON measurement TO PUBLIC; --';
COMMENT ON ROLE "charter:hostile-titles:a_partner_id_that_is_lo~07894186d91a3d45" IS 'partner a_partner_id_that_is_long_enough_to_need_a_hash_in_its_role_name_0123456789 of coalition hostile-titles: Long';

-- what each role reads: its own coalition's rows
--   charter:hostile-titles:quote reads: hostile-titles
--   charter:hostile-titles:dollar reads: hostile-titles
--   charter:hostile-titles:a_partner_id_that_is_lo~07894186d91a3d45 reads: hostile-titles

-- privileges: read the store; add and replace measurements, never delete them;
-- no right to UPDATE, DELETE or TRUNCATE a table as a whole, which would let a
-- role LOCK it against every other
GRANT SELECT ON charter_store, charter_role, charter_reader, charter_writer, charter_share TO "charter:hostile-titles:quote", "charter:hostile-titles:dollar", "charter:hostile-titles:a_partner_id_that_is_lo~07894186d91a3d45";
GRANT SELECT, INSERT ON measurement TO "charter:hostile-titles:quote", "charter:hostile-titles:dollar", "charter:hostile-titles:a_partner_id_that_is_lo~07894186d91a3d45";
-- replace: the columns that are not the key
GRANT UPDATE (period, value, numerator, denominator, flags, source, note, import_id) ON measurement TO "charter:hostile-titles:quote", "charter:hostile-titles:dollar", "charter:hostile-titles:a_partner_id_that_is_lo~07894186d91a3d45";
-- an import's record: its id is the store's (a trigger numbers it); it is
-- finished with its count of rows, or removed when it stored nothing, by
-- the store's function charter_finish_import (its own record only)
GRANT SELECT, INSERT ON import TO "charter:hostile-titles:quote", "charter:hostile-titles:dollar", "charter:hostile-titles:a_partner_id_that_is_lo~07894186d91a3d45";
GRANT EXECUTE ON FUNCTION charter_finish_import(bigint, bigint) TO "charter:hostile-titles:quote", "charter:hostile-titles:dollar", "charter:hostile-titles:a_partner_id_that_is_lo~07894186d91a3d45";

-- row-level security: the owner of the tables is not bound by it (not FORCEd)
ALTER TABLE measurement ENABLE ROW LEVEL SECURITY;
ALTER TABLE import ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS charter_read ON measurement;
CREATE POLICY charter_read ON measurement FOR SELECT
  USING (EXISTS (SELECT 1 FROM charter_reader r JOIN charter_role o ON o.role = r.role
          WHERE r.coalition = measurement.coalition AND pg_has_role(current_user, r.role, 'MEMBER')
          AND (o.coalition = r.coalition OR EXISTS (SELECT 1 FROM charter_share s
            WHERE s.coalition = r.coalition AND s.network = o.coalition))));
DROP POLICY IF EXISTS charter_insert ON measurement;
CREATE POLICY charter_insert ON measurement FOR INSERT
  WITH CHECK (EXISTS (SELECT 1 FROM charter_writer w WHERE w.coalition = measurement.coalition
          AND w.indicator = measurement.indicator AND pg_has_role(current_user, w.role, 'MEMBER'))
  AND EXISTS (SELECT 1 FROM import i WHERE i.id = measurement.import_id
          AND i.coalition = measurement.coalition));
DROP POLICY IF EXISTS charter_update ON measurement;
CREATE POLICY charter_update ON measurement FOR UPDATE
  USING (EXISTS (SELECT 1 FROM charter_writer w WHERE w.coalition = measurement.coalition
          AND w.indicator = measurement.indicator AND pg_has_role(current_user, w.role, 'MEMBER'))
  AND EXISTS (SELECT 1 FROM import i WHERE i.id = measurement.import_id
          AND i.coalition = measurement.coalition))
  WITH CHECK (EXISTS (SELECT 1 FROM charter_writer w WHERE w.coalition = measurement.coalition
          AND w.indicator = measurement.indicator AND pg_has_role(current_user, w.role, 'MEMBER'))
  AND EXISTS (SELECT 1 FROM import i WHERE i.id = measurement.import_id
          AND i.coalition = measurement.coalition));
DROP POLICY IF EXISTS charter_read ON import;
CREATE POLICY charter_read ON import FOR SELECT
  USING (EXISTS (SELECT 1 FROM charter_reader r JOIN charter_role o ON o.role = r.role
          WHERE r.coalition = import.coalition AND pg_has_role(current_user, r.role, 'MEMBER')
          AND (o.coalition = r.coalition OR EXISTS (SELECT 1 FROM charter_share s
            WHERE s.coalition = r.coalition AND s.network = o.coalition))));
DROP POLICY IF EXISTS charter_write ON import;
DROP POLICY IF EXISTS charter_insert ON import;
CREATE POLICY charter_insert ON import FOR INSERT
  WITH CHECK (EXISTS (SELECT 1 FROM charter_role o WHERE o.coalition = import.coalition
          AND pg_has_role(current_user, o.role, 'MEMBER')));
-- UPDATE, DELETE: none (an import finishes its own record, its count of
-- rows or its removal, through the store's function charter_finish_import)
DROP POLICY IF EXISTS charter_update ON import;
DROP POLICY IF EXISTS charter_delete ON import;
COMMIT;
[exit 0]
