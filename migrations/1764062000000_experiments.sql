-- Up Migration

-- A/B experiments: two or more configurations (arms) run on the same source items. Every source item
-- is copied once per arm, so each (item, arm) pair is a queue item of its own with its own workflow
-- `extraction-<copy id>` and result: a paired design in which every item meets every arm.
CREATE TABLE experiments (
  id             UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  name           TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'running'
    CHECK (status IN ('running', 'completed', 'budget_exhausted', 'cancelled', 'failed')),
  -- [{"arm": 0, "name", "configuration_id", "config"}], in the order the request gave them; arm 0 is the control.
  arms           JSONB NOT NULL,
  source_item_ids UUID[] NOT NULL,
  concurrency    INTEGER NOT NULL,
  max_cost_usd   NUMERIC(14, 8),
  workflow_id    TEXT NOT NULL,
  error          TEXT,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at    TIMESTAMPTZ
);
CREATE INDEX experiments_created_at ON experiments (created_at DESC, id DESC);

CREATE TABLE experiment_runs (
  experiment_id  UUID NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
  -- The order runs are started in: items interleaved across arms.
  position       INTEGER NOT NULL,
  arm            INTEGER NOT NULL,
  source_item_id UUID NOT NULL REFERENCES ai_extraction_queue (id),
  item_id        UUID NOT NULL UNIQUE REFERENCES ai_extraction_queue (id) ON DELETE CASCADE,
  PRIMARY KEY (experiment_id, position),
  UNIQUE (experiment_id, arm, source_item_id)
);

-- Down Migration

DROP TABLE IF EXISTS experiment_runs;
DROP TABLE IF EXISTS experiments;
