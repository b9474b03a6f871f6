-- Up Migration

-- What each chunk of a long document's extraction answered, before the chunks are merged into the
-- step's one `extract` output in stage_outputs. Keyed by model too: when a model's chunks fail, the
-- next model of the chain splits the document by its own window and answers every chunk again.
CREATE TABLE chunk_outputs (
  queue_item_id UUID NOT NULL REFERENCES ai_extraction_queue (id) ON DELETE CASCADE,
  run_id        TEXT NOT NULL,
  step          INTEGER NOT NULL,
  model         TEXT NOT NULL,
  chunk         INTEGER NOT NULL CHECK (chunk >= 0),
  first_page    INTEGER NOT NULL,
  last_page     INTEGER NOT NULL,
  output        JSONB NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (queue_item_id, run_id, step, model, chunk)
);

-- Down Migration

DROP TABLE IF EXISTS chunk_outputs;
