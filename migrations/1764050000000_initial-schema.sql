-- Up Migration

-- Named configurations saved from the dashboard or the API, and anonymous ones recorded when an
-- item is processed with an unsaved configuration (found again by the fingerprint of their body,
-- so that identical ad-hoc configurations share their analytics).
CREATE TABLE configurations (
  id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  name        TEXT,
  fingerprint TEXT NOT NULL,
  config      JSONB NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX configurations_anonymous_fingerprint ON configurations (fingerprint) WHERE name IS NULL;
CREATE INDEX configurations_created_at ON configurations (created_at DESC, id DESC);

-- One row per queue item. The document's text lives here, not in workflow payloads.
CREATE TABLE ai_extraction_queue (
  id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  status             TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'queued', 'running', 'needs_review', 'completed', 'failed', 'cancelled')),
  document_text      TEXT NOT NULL,
  document_mime_type TEXT NOT NULL,
  document_filename  TEXT,
  document_bytes     INTEGER NOT NULL,
  extraction_schema  JSONB NOT NULL,
  expected           JSONB,
  metadata           JSONB NOT NULL DEFAULT '{}'::jsonb,
  model_config       JSONB,
  configuration_id   UUID REFERENCES configurations (id),
  workflow_id        TEXT,
  run_id             TEXT,
  current_stage      TEXT,
  result             JSONB,
  accuracy           NUMERIC(6, 5),
  error              TEXT,
  simulated          BOOLEAN,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  started_at         TIMESTAMPTZ,
  finished_at        TIMESTAMPTZ
);
CREATE INDEX ai_extraction_queue_status_page ON ai_extraction_queue (status, created_at DESC, id DESC);
CREATE INDEX ai_extraction_queue_page ON ai_extraction_queue (created_at DESC, id DESC);

-- What each stage of a run produced, so that a later stage (or a retry that resumes) reads it by
-- id instead of receiving it through the workflow's history.
CREATE TABLE stage_outputs (
  id            BIGSERIAL PRIMARY KEY,
  queue_item_id UUID NOT NULL REFERENCES ai_extraction_queue (id) ON DELETE CASCADE,
  run_id        TEXT NOT NULL,
  stage         TEXT NOT NULL,
  step          INTEGER NOT NULL DEFAULT 0,
  model         TEXT,
  output        JSONB NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (queue_item_id, run_id, stage, step)
);

-- The usage ledger: one row per provider call attempt, success or failure. Append-only; call_key
-- is the attempt's deterministic identity, so a retried or replayed logging step adds nothing.
CREATE TABLE model_usage (
  id                BIGSERIAL PRIMARY KEY,
  call_key          TEXT NOT NULL UNIQUE,
  queue_item_id     UUID REFERENCES ai_extraction_queue (id) ON DELETE SET NULL,
  configuration_id  UUID,
  workflow_id       TEXT,
  run_id            TEXT,
  stage             TEXT NOT NULL,
  model             TEXT NOT NULL,
  provider          TEXT NOT NULL,
  temperature       NUMERIC(3, 2),
  attempt           INTEGER NOT NULL DEFAULT 1,
  input_tokens      INTEGER NOT NULL DEFAULT 0,
  output_tokens     INTEGER NOT NULL DEFAULT 0,
  response_time_ms  INTEGER NOT NULL,
  cost_usd          NUMERIC(14, 8) NOT NULL DEFAULT 0,
  success           BOOLEAN NOT NULL,
  error             TEXT,
  finish_reason     TEXT,
  simulated         BOOLEAN NOT NULL DEFAULT false,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX model_usage_queue_item ON model_usage (queue_item_id);
CREATE INDEX model_usage_created_at ON model_usage (created_at);

-- One row per finished run of an item: the facts configuration_usage is computed from.
CREATE TABLE configuration_runs (
  run_id           TEXT PRIMARY KEY,
  configuration_id UUID NOT NULL REFERENCES configurations (id),
  queue_item_id    UUID NOT NULL REFERENCES ai_extraction_queue (id) ON DELETE CASCADE,
  status           TEXT NOT NULL,
  accuracy         NUMERIC(6, 5),
  cost_usd         NUMERIC(14, 8) NOT NULL,
  duration_ms      INTEGER NOT NULL,
  finished_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX configuration_runs_configuration ON configuration_runs (configuration_id);

-- Per configuration, recomputed from configuration_runs whenever an item finishes: a roll-up
-- that can always be rebuilt from the facts, never a counter that is incremented in place.
CREATE TABLE configuration_usage (
  configuration_id UUID PRIMARY KEY REFERENCES configurations (id),
  times_used       INTEGER NOT NULL,
  labelled_runs    INTEGER NOT NULL,
  avg_accuracy     NUMERIC(6, 5),
  avg_cost_usd     NUMERIC(14, 8) NOT NULL,
  avg_duration_ms  NUMERIC(12, 2) NOT NULL,
  success_rate     NUMERIC(6, 5) NOT NULL,
  total_cost_usd   NUMERIC(16, 8) NOT NULL,
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE VIEW model_performance_analytics AS
SELECT
  model,
  provider,
  stage,
  count(*)::bigint                                                    AS calls,
  count(*) FILTER (WHERE success)::bigint                             AS successes,
  round(avg(success::int)::numeric, 5)                                AS success_rate,
  round(avg(response_time_ms)::numeric, 2)                            AS avg_latency_ms,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY response_time_ms)      AS p95_latency_ms,
  sum(input_tokens)::bigint                                           AS input_tokens,
  sum(output_tokens)::bigint                                          AS output_tokens,
  sum(cost_usd)                                                       AS cost_usd,
  bool_or(simulated)                                                  AS simulated,
  min(created_at)                                                     AS first_call_at,
  max(created_at)                                                     AS last_call_at
FROM model_usage
GROUP BY model, provider, stage;

CREATE VIEW configuration_performance AS
SELECT
  c.id              AS configuration_id,
  c.name,
  c.config,
  u.times_used,
  u.labelled_runs,
  u.avg_accuracy,
  u.avg_cost_usd,
  u.avg_duration_ms,
  u.success_rate,
  u.total_cost_usd,
  u.updated_at
FROM configurations c
JOIN configuration_usage u ON u.configuration_id = c.id;

-- Down Migration

DROP VIEW IF EXISTS configuration_performance;
DROP VIEW IF EXISTS model_performance_analytics;
DROP TABLE IF EXISTS configuration_usage;
DROP TABLE IF EXISTS configuration_runs;
DROP TABLE IF EXISTS model_usage;
DROP TABLE IF EXISTS stage_outputs;
DROP TABLE IF EXISTS ai_extraction_queue;
DROP TABLE IF EXISTS configurations;
