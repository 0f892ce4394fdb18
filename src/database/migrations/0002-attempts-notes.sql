-- Fencing: the attempt that owns each run key. An older attempt that finds a newer one here must not commit.
CREATE TABLE sluice.run_attempts (
  pipeline    text NOT NULL,
  run_key     text NOT NULL,
  attempt     integer NOT NULL,
  claimed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pipeline, run_key)
);

-- What a run wants people to know besides its error: schema changes made, a run key already loaded.
ALTER TABLE sluice.runs ADD COLUMN run_key text, ADD COLUMN notes jsonb NOT NULL DEFAULT '[]';
