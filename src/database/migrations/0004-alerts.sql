-- Every alert sluice tried to send for a run, and whether it went: a failing channel is recorded, never hidden.
CREATE TABLE sluice.alerts (
  run_id    text NOT NULL,
  pipeline  text NOT NULL,
  channel   text NOT NULL,        -- what it was sent to, without secrets
  event     text NOT NULL,        -- success | failure | recovery | skip
  status    text NOT NULL,        -- sent | failed
  error     text,
  sent_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alerts_by_run ON sluice.alerts (run_id);
