-- Every trigger that fired (a cron tick, an arrived file, a marker's day): the primary key makes each start
-- exactly one run, however many schedulers see it.
CREATE TABLE sluice.triggers (
  pipeline     text NOT NULL,
  trigger_key  text NOT NULL,
  run_key      text NOT NULL,
  fired_at     timestamptz NOT NULL DEFAULT now(),
  detail       jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (pipeline, trigger_key)
);
CREATE INDEX triggers_by_time ON sluice.triggers (pipeline, fired_at DESC);
