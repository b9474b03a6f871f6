-- Up Migration

-- Which pass of its stage a call belonged to: 0 for the first, 1.. for the orchestrator's
-- re-extraction rounds. Lets an item's page tell a fallback (another model, same pass) from a
-- re-extraction (another pass).
ALTER TABLE model_usage ADD COLUMN step INTEGER NOT NULL DEFAULT 0;

-- Down Migration

ALTER TABLE model_usage DROP COLUMN step;
