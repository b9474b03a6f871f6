-- Up Migration

-- What each call's input and output tokens were made of, as the provider billed them:
-- input_tokens stays the whole input (cached tokens included) and output_tokens the whole output
-- (reasoning included); these say how much of the input was read from or written to the prompt
-- cache, which are billed at their own prices, and how much of the output was reasoning.
ALTER TABLE model_usage
  ADD COLUMN cached_input_tokens INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN reasoning_tokens INTEGER NOT NULL DEFAULT 0;

-- Down Migration

ALTER TABLE model_usage
  DROP COLUMN reasoning_tokens,
  DROP COLUMN cache_write_tokens,
  DROP COLUMN cached_input_tokens;
