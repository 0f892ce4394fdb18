-- People's SQL must not take advisory locks: they are shared by every role of a database, so a reader holding
-- `pg_advisory_lock(hashtext('sluice.pipeline'), hashtext('<pipeline>'))` for the length of a query made sluice's
-- own runs of that pipeline wait (concurrency 'queue') or be skipped (concurrency 'skip'), and a query repeated
-- from the SQL page kept a scheduled pipeline from ever running. Only a superuser may revoke the lock functions
-- from PUBLIC (they belong to the bootstrap superuser): the embedded database's user is one. Every role that
-- exists now, but sluice_reader, keeps them; on an external database an administrator runs the same (see
-- docs/running.md#security-model).
DO $$
DECLARE
  fn regprocedure;
  who name;
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    RETURN;
  END IF;
  FOR fn IN SELECT p.oid::regprocedure FROM pg_proc p
    WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.proname ~ '^pg_(try_)?advisory_(xact_)?lock(_shared)?$' LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', fn);
    FOR who IN SELECT rolname FROM pg_roles WHERE rolname <> 'sluice_reader' AND rolname !~ '^pg_' LOOP
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', fn, who);
    END LOOP;
  END LOOP;
END $$;
