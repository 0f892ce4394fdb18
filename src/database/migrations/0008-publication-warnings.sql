-- The commit protocol for destinations outside the ledger's transaction (Parquet, land only, any external store):
-- the ledger row commits with what publishing needs; `published_at` is set once the rows are visible.
-- A committed row with a publication and no `published_at` is published again (idempotently) by the next run.
ALTER TABLE sluice.ledger ADD COLUMN publication jsonb, ADD COLUMN published_at timestamptz;

-- What a run that succeeded wants a person to look at (nothing extracted, every row rejected, header mismatches).
ALTER TABLE sluice.runs ADD COLUMN warnings jsonb NOT NULL DEFAULT '[]';
