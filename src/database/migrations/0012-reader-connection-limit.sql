-- People's SQL opens a connection per query: without a limit, queries sent at once from the SQL page took every
-- connection the server has (100 on the embedded one), leaving sluice's scheduler, workers and runs the three
-- a superuser keeps (an external database's user: none). sluice_reader gets at most 16; a query past them is
-- refused ("too many connections for role"), and sluice cancels a late query from its own connection if the
-- reader has none left.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sluice_reader' AND rolconnlimit <> 16)
     OR NOT (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
    RETURN;
  END IF;
  -- Roles belong to the whole server, and the migration lock to one database: another database's migration may
  -- alter the role at the same moment ("tuple concurrently updated"). Try again, then the role is as wanted.
  FOR attempt IN 1..20 LOOP
    BEGIN
      EXIT WHEN (SELECT rolconnlimit FROM pg_roles WHERE rolname = 'sluice_reader') = 16;
      ALTER ROLE sluice_reader CONNECTION LIMIT 16;
      RETURN;
    EXCEPTION WHEN internal_error THEN
      IF attempt = 20 THEN RAISE; END IF;
      PERFORM pg_sleep(0.01 * attempt);
    END;
  END LOOP;
END $$;
