-- sluice's own state: run records, the load ledger, loaded objects and quarantined rows.

CREATE TABLE sluice.runs (
  run_id       text PRIMARY KEY,
  pipeline     text NOT NULL,
  status       text NOT NULL,          -- one of RUN_STATES in src/runs/run-states.ts
  trigger      text NOT NULL,
  attempt      integer NOT NULL DEFAULT 1,
  queued_at    timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  finished_at  timestamptz,
  stages       jsonb NOT NULL DEFAULT '[]',
  counts       jsonb NOT NULL DEFAULT '{}',
  raw_objects  jsonb NOT NULL DEFAULT '[]',
  error        text
);
CREATE INDEX runs_by_pipeline ON sluice.runs (pipeline, queued_at DESC);
CREATE INDEX runs_by_time ON sluice.runs (queued_at DESC);

-- One row per committed load, written in the same transaction as the data:
-- a retry that finds its run key here must not load again.
CREATE TABLE sluice.ledger (
  pipeline      text NOT NULL,
  run_key       text NOT NULL,
  run_id        text NOT NULL,
  attempt       integer NOT NULL,
  committed_at  timestamptz NOT NULL DEFAULT now(),
  counts        jsonb NOT NULL,
  PRIMARY KEY (pipeline, run_key)
);

-- Every raw object a pipeline has loaded, by content: the same bytes are never loaded twice.
CREATE TABLE sluice.loaded_objects (
  pipeline   text NOT NULL,
  sha256     text NOT NULL,
  name       text NOT NULL,
  bytes      bigint NOT NULL,
  raw_key    text NOT NULL,
  run_id     text NOT NULL,
  loaded_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pipeline, sha256)
);

-- Quarantined rows and files, with where they came from and why.
CREATE TABLE sluice.rejects (
  run_id     text NOT NULL,
  seq        integer NOT NULL,
  pipeline   text NOT NULL,
  source     text NOT NULL,
  line       integer,
  column_name text,
  reason     text NOT NULL,
  raw        text,
  PRIMARY KEY (run_id, seq)
);
