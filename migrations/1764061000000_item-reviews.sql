-- Up Migration

-- A reviewer's corrections of a finished item: the corrected values become the item's ground truth
-- (ai_extraction_queue.expected) and its runs are rescored. Kept as history, newest last.
CREATE TABLE item_reviews (
  id            BIGSERIAL PRIMARY KEY,
  queue_item_id UUID NOT NULL REFERENCES ai_extraction_queue (id) ON DELETE CASCADE,
  reviewer      TEXT NOT NULL,
  corrections   JSONB NOT NULL,
  -- The ground truth before and after, and the item's accuracy after rescoring.
  expected_before JSONB,
  expected_after  JSONB NOT NULL,
  accuracy      NUMERIC(6, 5),
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX item_reviews_item ON item_reviews (queue_item_id, id);

-- Down Migration

DROP TABLE IF EXISTS item_reviews;
