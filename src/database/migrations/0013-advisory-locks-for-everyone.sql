-- Undoes 0011: revoking the advisory-lock functions from PUBLIC also took them from every role created later,
-- so sluice itself, connecting as a role an administrator made after migrating, could not take its own locks
-- ("permission denied for function pg_advisory_xact_lock"). A reader that takes one of sluice's locks is now
-- ended by sluice when it wants the lock (src/pipeline/pipeline-lock.ts).
DO $$
DECLARE
  fn regprocedure;
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    RETURN;
  END IF;
  FOR fn IN SELECT p.oid::regprocedure FROM pg_proc p
    WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.proname ~ '^pg_(try_)?advisory_(xact_)?lock(_shared)?$' LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO PUBLIC', fn);
  END LOOP;
END $$;
