-- Up Migration

-- Roll-ups of the usage ledger for analytics at scale. They are caches of SQL over model_usage, never
-- counters: any hour can be recomputed from the ledger at any time (src/db/usage-rollups.ts), and a
-- query uses a roll-up row only for hours the ledger has not changed since it was computed.

-- Hours whose ledger rows changed since their roll-up was computed. Every statement that writes the
-- ledger appends one marker per hour it touched (statement-level triggers below, so a bulk insert adds
-- a handful of rows, not one per row). Markers are plain appended rows with no unique key: a refresh
-- deletes exactly the markers it saw, so a marker written by a transaction that commits during the
-- refresh survives it and the hour is recomputed again next time. No hot row is ever updated.
CREATE TABLE usage_rollup_dirty (
  id        BIGSERIAL PRIMARY KEY,
  hour      TIMESTAMPTZ NOT NULL,
  marked_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX usage_rollup_dirty_hour ON usage_rollup_dirty (hour);

-- Latency histograms use log buckets (see latency_bucket): exact below 50 ms, then each bucket 10 %
-- wider than the last, so a percentile read from a bucket is within 4.8 % of the true value. In
-- float8, not numeric: the ledger path computes it per row at query time.
CREATE FUNCTION latency_bucket(ms INTEGER) RETURNS SMALLINT
LANGUAGE SQL IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN ms < 50 THEN greatest(ms, 0)
              ELSE least(50 + floor(ln(ms / 50.0::float8) / ln(1.1::float8))::int, 32000) END::smallint
$$;

-- The representative value of a bucket: exact for the first 50, the harmonic midpoint of the
-- bucket's bounds above (relative error at most 4.8 % for any value in the bucket).
CREATE FUNCTION latency_bucket_value(bucket INTEGER) RETURNS DOUBLE PRECISION
LANGUAGE SQL IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN bucket < 50 THEN bucket::double precision
              ELSE 2 * (50 * power(1.1, bucket - 50)) * (50 * power(1.1, bucket - 49))
                   / ((50 * power(1.1, bucket - 50)) + (50 * power(1.1, bucket - 49))) END
$$;

-- Two scopes in one table: configuration_key '*' sums every configuration (what unfiltered queries
-- read, a few rows per hour), otherwise it is the call's configuration id ('' for calls without one).
CREATE TABLE usage_rollup_hourly (
  period_start      TIMESTAMPTZ NOT NULL,
  stage             TEXT NOT NULL,
  provider          TEXT NOT NULL,
  model             TEXT NOT NULL,
  configuration_key TEXT NOT NULL,
  calls             BIGINT NOT NULL,
  successes         BIGINT NOT NULL,
  input_tokens      BIGINT NOT NULL,
  output_tokens     BIGINT NOT NULL,
  cost_usd          NUMERIC(20, 8) NOT NULL,
  latency_sum_ms    BIGINT NOT NULL,
  latency_buckets   SMALLINT[] NOT NULL,
  latency_counts    BIGINT[] NOT NULL,
  simulated         BOOLEAN NOT NULL,
  first_call_at     TIMESTAMPTZ NOT NULL,
  last_call_at      TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (period_start, stage, provider, model, configuration_key)
);
CREATE INDEX usage_rollup_hourly_configuration ON usage_rollup_hourly (configuration_key, period_start);

-- The same per UTC day, computed from the day's hourly rows; used for days none of whose hours is dirty.
CREATE TABLE usage_rollup_daily (LIKE usage_rollup_hourly INCLUDING ALL);

CREATE FUNCTION usage_rollup_mark_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO usage_rollup_dirty (hour) SELECT DISTINCT date_trunc('hour', created_at, 'UTC') FROM new_rows;
  RETURN NULL;
END $$;
CREATE FUNCTION usage_rollup_mark_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO usage_rollup_dirty (hour) SELECT DISTINCT date_trunc('hour', created_at, 'UTC') FROM old_rows;
  RETURN NULL;
END $$;
CREATE TRIGGER model_usage_rollup_insert AFTER INSERT ON model_usage
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollup_mark_new();
CREATE TRIGGER model_usage_rollup_delete AFTER DELETE ON model_usage
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollup_mark_old();
-- An update may move a row between hours: both its old and its new hour are marked.
CREATE TRIGGER model_usage_rollup_update_old AFTER UPDATE ON model_usage
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollup_mark_old();
CREATE TRIGGER model_usage_rollup_update_new AFTER UPDATE ON model_usage
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollup_mark_new();

-- Every hour that already has ledger rows starts dirty, so the first refresh rolls it up.
INSERT INTO usage_rollup_dirty (hour) SELECT DISTINCT date_trunc('hour', created_at, 'UTC') FROM model_usage;

-- Filters on configuration runs by time and by item.
CREATE INDEX configuration_runs_finished_at ON configuration_runs (finished_at);
CREATE INDEX configuration_runs_queue_item ON configuration_runs (queue_item_id);
CREATE INDEX model_usage_run ON model_usage (run_id);

-- Down Migration

DROP INDEX IF EXISTS model_usage_run;
DROP INDEX IF EXISTS configuration_runs_queue_item;
DROP INDEX IF EXISTS configuration_runs_finished_at;
DROP TRIGGER IF EXISTS model_usage_rollup_update_new ON model_usage;
DROP TRIGGER IF EXISTS model_usage_rollup_update_old ON model_usage;
DROP TRIGGER IF EXISTS model_usage_rollup_delete ON model_usage;
DROP TRIGGER IF EXISTS model_usage_rollup_insert ON model_usage;
DROP FUNCTION IF EXISTS usage_rollup_mark_old();
DROP FUNCTION IF EXISTS usage_rollup_mark_new();
DROP TABLE IF EXISTS usage_rollup_daily;
DROP TABLE IF EXISTS usage_rollup_hourly;
DROP FUNCTION IF EXISTS latency_bucket_value(INTEGER);
DROP FUNCTION IF EXISTS latency_bucket(INTEGER);
DROP TABLE IF EXISTS usage_rollup_dirty;
