-- What a source knew of each loaded object besides its content (an ETag, a Last-Modified, a size and mtime),
-- so the next run can ask the source's server "changed since?" and skip what has not changed.
ALTER TABLE sluice.loaded_objects ADD COLUMN meta jsonb NOT NULL DEFAULT '{}';
CREATE INDEX loaded_objects_by_name ON sluice.loaded_objects (pipeline, name, loaded_at DESC);
