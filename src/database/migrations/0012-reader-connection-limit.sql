-- People's SQL opens a connection per query: without a limit, queries sent at once from the SQL page took every
-- connection the server has (100 on the embedded one), leaving sluice's scheduler, workers and runs the three
-- a superuser keeps (an external database's user: none). sluice_reader gets at most 16; a query past them is
-- refused ("too many connections for role"), and sluice cancels a late query from its own connection if the
-- reader has none left.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'sluice_reader')
     AND (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
    ALTER ROLE sluice_reader CONNECTION LIMIT 16;
  END IF;
END $$;
