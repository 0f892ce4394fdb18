-- sluice_reader: the role that people's SQL runs as (`sluice query`, the dashboard's SQL page). It can read the
-- pipelines' tables and sluice's run tables and nothing else: no writes (read-only by default, and only SELECT
-- granted), no server files, no programs, no signals to other backends, no roles to switch to. sluice gives it a
-- login and a password when it opens the database (src/database/reader-role.ts). A user that may not create roles
-- (an external database) skips this: `sluice query` then says which statements an administrator runs.
DO $$
DECLARE
  schema_name name;
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sluice_reader') THEN
    IF NOT (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
      RETURN;
    END IF;
    BEGIN
      CREATE ROLE sluice_reader NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
      ALTER ROLE sluice_reader SET default_transaction_read_only = on;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- another database's migration created it at the same moment
    END;
  END IF;
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO sluice_reader', current_database());
  -- Tables that exist now, in every schema of this database that is not the system's.
  FOR schema_name IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema' LOOP
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO sluice_reader', schema_name);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO sluice_reader', schema_name);
  END LOOP;
  -- Tables and schemas sluice creates from now on (destinations, the run queue) follow.
  ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO sluice_reader;
  ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO sluice_reader;
END $$;
