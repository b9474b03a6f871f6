-- Up Migration

-- What cost recommendations read per labelled run (src/db/recommendation-evidence.ts), kept where a
-- request can read it without touching the ledger or hashing documents.

-- Runs on the same document (same text, schema and ground truth) can be paired. Generated, so a
-- review that changes the ground truth changes the key with it.
ALTER TABLE ai_extraction_queue
  ADD COLUMN document_key TEXT GENERATED ALWAYS AS (md5(document_text || extraction_schema::text || coalesce(expected::text, ''))) STORED;

-- Per stage of a run, from its ledger rows: the model of its first successful call (its primary
-- round), what the stage cost and how long its calls took. Stages without a successful call are
-- left out.
CREATE FUNCTION run_stage_facts(run TEXT) RETURNS JSONB
LANGUAGE SQL STABLE PARALLEL SAFE AS $$
  SELECT coalesce(jsonb_object_agg(stage, jsonb_build_object('model', model, 'cost_usd', cost_usd, 'latency_ms', latency_ms))
                    FILTER (WHERE model IS NOT NULL), '{}'::jsonb)
    FROM (SELECT stage, (array_agg(model ORDER BY id) FILTER (WHERE success))[1] AS model,
                 sum(cost_usd) AS cost_usd, sum(response_time_ms) AS latency_ms
            FROM model_usage WHERE run_id = run GROUP BY stage) stages
$$;

-- Written when the run finishes (its calls are all in the ledger by then); NULL for runs recorded
-- before this column existed and not backfilled yet, which readers compute from the ledger.
ALTER TABLE configuration_runs ADD COLUMN stages JSONB;
UPDATE configuration_runs SET stages = run_stage_facts(run_id);

CREATE INDEX configuration_runs_labelled ON configuration_runs (finished_at DESC) WHERE status = 'completed' AND accuracy IS NOT NULL;

-- Down Migration

DROP INDEX IF EXISTS configuration_runs_labelled;
ALTER TABLE configuration_runs DROP COLUMN IF EXISTS stages;
DROP FUNCTION IF EXISTS run_stage_facts(TEXT);
ALTER TABLE ai_extraction_queue DROP COLUMN IF EXISTS document_key;
