-- The params a run ran with (the pipeline's defaults merged with the run's overrides), so a replay can reuse them.
ALTER TABLE sluice.runs ADD COLUMN params jsonb NOT NULL DEFAULT '{}';
