-- Every data-quality check's result, per run. Written on the pool after the load's outcome: a failing blocking
-- check rolls the load back, yet its result is kept.
CREATE TABLE sluice.check_results (
  run_id        text NOT NULL,
  seq           integer NOT NULL,       -- the check's place in the pipeline's checks
  pipeline      text NOT NULL,
  name          text NOT NULL,
  kind          text NOT NULL,          -- notNull | unique | accepted | range | pattern | maxLength | rowCount | uniqueKey | freshness | references | sql
  column_name   text,
  status        text NOT NULL CHECK (status IN ('passed', 'warned', 'failed')),
  blocking      boolean NOT NULL,
  failing_rows  bigint,                 -- null for checks of the whole load (row count, freshness)
  message       text NOT NULL,
  samples       jsonb NOT NULL DEFAULT '[]',   -- up to 20 failing rows, with __source and __line when known
  checked_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX check_results_by_pipeline ON sluice.check_results (pipeline, checked_at DESC);
