-- Run logs as they are written, for following a live run from any machine (the lake keeps the whole file).
CREATE TABLE sluice.run_logs (
  run_id  text NOT NULL,
  seq     integer NOT NULL,
  line    jsonb NOT NULL,
  PRIMARY KEY (run_id, seq)
);
ALTER TABLE sluice.runs ADD COLUMN log_key text;
