-- Up Migration

-- What cost recommendations read per labelled run (src/db/recommendation-evidence.ts), kept where a
-- request can read it without touching the ledger or hashing documents.

-- Runs on the same document (same text, schema and ground truth) can be paired. Generated, so a
-- review that changes the ground truth changes the key with it.
ALTER TABLE ai_extraction_queue
  ADD COLUMN document_key TEXT GENERATED ALWAYS AS (md5(document_text || extraction_schema::text || coalesce(expected::text, ''))) STORED;

-- Per stage of a run, in the order classify, extract, validate, review (STAGES in
-- src/analytics/recommendations.ts), from its ledger rows: the model of its first successful call
-- (its primary round; NULL when no call of the stage succeeded), what the stage cost and how long its
-- calls took.
CREATE FUNCTION run_stage_facts(run TEXT, OUT models TEXT[], OUT costs_usd NUMERIC[], OUT latencies_ms BIGINT[])
LANGUAGE SQL STABLE PARALLEL SAFE AS $$
  SELECT array_agg(s.model ORDER BY o.n), array_agg(coalesce(s.cost_usd, 0) ORDER BY o.n), array_agg(coalesce(s.latency_ms, 0) ORDER BY o.n)
    FROM unnest(ARRAY['classify', 'extract', 'validate', 'review']) WITH ORDINALITY AS o(stage, n)
    LEFT JOIN (SELECT stage, (array_agg(model ORDER BY id) FILTER (WHERE success))[1] AS model,
                      sum(cost_usd) AS cost_usd, sum(response_time_ms) AS latency_ms
                 FROM model_usage WHERE run_id = run GROUP BY stage) s ON s.stage = o.stage
$$;

-- Written when the run finishes (its calls are all in the ledger by then); NULL for a run recorded
-- by older code, which readers then compute from the ledger.
ALTER TABLE configuration_runs ADD COLUMN stage_models TEXT[], ADD COLUMN stage_costs_usd NUMERIC[], ADD COLUMN stage_latencies_ms BIGINT[];
UPDATE configuration_runs r SET (stage_models, stage_costs_usd, stage_latencies_ms) = (SELECT * FROM run_stage_facts(r.run_id));

-- The newest labelled runs with everything recommendations read, so that (once vacuumed) they come
-- from an index-only scan rather than a heap fetch per run.
CREATE INDEX configuration_runs_labelled ON configuration_runs (finished_at DESC)
  INCLUDE (run_id, accuracy, queue_item_id, stage_models, stage_costs_usd, stage_latencies_ms)
  WHERE status = 'completed' AND accuracy IS NOT NULL;

-- Down Migration

DROP INDEX IF EXISTS configuration_runs_labelled;
ALTER TABLE configuration_runs DROP COLUMN IF EXISTS stage_models, DROP COLUMN IF EXISTS stage_costs_usd, DROP COLUMN IF EXISTS stage_latencies_ms;
DROP FUNCTION IF EXISTS run_stage_facts(TEXT);
ALTER TABLE ai_extraction_queue DROP COLUMN IF EXISTS document_key;
