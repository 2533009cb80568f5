-- charter store grant: PostgreSQL roles and row-level security for the
-- coalition 'alone' (program 'none.charter').
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
           WHERE o.coalition = 'alone' ORDER BY o.role LOOP
    EXECUTE format('REVOKE ALL ON charter_store, import, measurement, charter_role, charter_reader, '
      'charter_writer, charter_share FROM %I', r.role);
    EXECUTE format('REVOKE ALL ON FUNCTION charter_finish_import(bigint, bigint) FROM %I', r.role);
    EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM %I', current_schema(), r.role);
  END LOOP;
END
$charter$;

-- the networks this coalition lets read its rows (shared_with)
DELETE FROM charter_share WHERE coalition = 'alone';

-- this coalition's roles
DELETE FROM charter_role WHERE coalition = 'alone';
-- the program declares no partner: no role

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
