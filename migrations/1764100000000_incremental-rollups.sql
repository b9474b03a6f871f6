-- Up Migration

-- Roll-ups kept current by a schedule of their own, incrementally: the ledger's new rows are added to
-- the roll-ups they belong to (src/db/usage-rollup-refresh.ts), instead of recomputing every hour a
-- statement touched. Queries read the roll-ups plus a bounded part of the ledger
-- (src/db/usage-rollup-parts.ts). The roll-ups stay caches of SQL over model_usage: any hour can be
-- recomputed from the ledger at any time by marking it dirty.

DROP TRIGGER IF EXISTS model_usage_rollup_update_new ON model_usage;
DROP TRIGGER IF EXISTS model_usage_rollup_update_old ON model_usage;
DROP TRIGGER IF EXISTS model_usage_rollup_delete ON model_usage;
DROP TRIGGER IF EXISTS model_usage_rollup_insert ON model_usage;
DROP FUNCTION IF EXISTS usage_rollup_mark_old();
DROP FUNCTION IF EXISTS usage_rollup_mark_new();
DROP TABLE IF EXISTS usage_rollup_daily;
DROP TABLE IF EXISTS usage_rollup_hourly;
DROP TABLE IF EXISTS usage_rollup_dirty;
DROP FUNCTION IF EXISTS latency_bucket_value(INTEGER);
DROP FUNCTION IF EXISTS latency_bucket(INTEGER);

-- Latency histogram buckets: exact below 50 ms; above, each span between the dashboard's edges (50,
-- 100, 250, 500, 1000, 2500, 5000, 10000 and 30000 ms) is cut into equal log steps of at most 9.6 %,
-- and beyond 30 s into steps of 10 %. So the dashboard's latency histogram is a sum of whole buckets
-- (exact), and a percentile read from a bucket's harmonic midpoint is within 4.8 % of the true value.
CREATE FUNCTION latency_bucket(ms INTEGER) RETURNS SMALLINT
LANGUAGE SQL IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE
    WHEN ms < 50 THEN greatest(ms, 0)
    WHEN ms < 100 THEN 50 + least(7, floor(8 * ln(ms / 50.0::float8) / ln(2.0::float8))::int)
    WHEN ms < 250 THEN 58 + least(9, floor(10 * ln(ms / 100.0::float8) / ln(2.5::float8))::int)
    WHEN ms < 500 THEN 68 + least(7, floor(8 * ln(ms / 250.0::float8) / ln(2.0::float8))::int)
    WHEN ms < 1000 THEN 76 + least(7, floor(8 * ln(ms / 500.0::float8) / ln(2.0::float8))::int)
    WHEN ms < 2500 THEN 84 + least(9, floor(10 * ln(ms / 1000.0::float8) / ln(2.5::float8))::int)
    WHEN ms < 5000 THEN 94 + least(7, floor(8 * ln(ms / 2500.0::float8) / ln(2.0::float8))::int)
    WHEN ms < 10000 THEN 102 + least(7, floor(8 * ln(ms / 5000.0::float8) / ln(2.0::float8))::int)
    WHEN ms < 30000 THEN 110 + least(11, floor(12 * ln(ms / 10000.0::float8) / ln(3.0::float8))::int)
    ELSE least(122 + floor(ln(ms / 30000.0::float8) / ln(1.1::float8))::int, 32000)
  END)::smallint
$$;

-- The lower bound of a bucket at or above 50 (the upper bound is the next bucket's lower bound).
CREATE FUNCTION latency_bucket_lower(bucket INTEGER) RETURNS DOUBLE PRECISION
LANGUAGE SQL IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN bucket < 50 THEN bucket::float8
    WHEN bucket < 58 THEN 50 * power(2.0::float8, (bucket - 50) / 8.0)
    WHEN bucket < 68 THEN 100 * power(2.5::float8, (bucket - 58) / 10.0)
    WHEN bucket < 76 THEN 250 * power(2.0::float8, (bucket - 68) / 8.0)
    WHEN bucket < 84 THEN 500 * power(2.0::float8, (bucket - 76) / 8.0)
    WHEN bucket < 94 THEN 1000 * power(2.5::float8, (bucket - 84) / 10.0)
    WHEN bucket < 102 THEN 2500 * power(2.0::float8, (bucket - 94) / 8.0)
    WHEN bucket < 110 THEN 5000 * power(2.0::float8, (bucket - 102) / 8.0)
    WHEN bucket < 122 THEN 10000 * power(3.0::float8, (bucket - 110) / 12.0)
    ELSE 30000 * power(1.1::float8, bucket - 122)
  END
$$;

-- The value a bucket stands for: exact below 50, else the harmonic midpoint of its bounds, whose
-- relative error for any value inside is at most (r - 1) / (r + 1) for a step r: 4.8 % at r = 1.1.
CREATE FUNCTION latency_bucket_value(bucket INTEGER) RETURNS DOUBLE PRECISION
LANGUAGE SQL IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN bucket < 50 THEN bucket::float8
              ELSE 2 * latency_bucket_lower(bucket) * latency_bucket_lower(bucket + 1)
                   / (latency_bucket_lower(bucket) + latency_bucket_lower(bucket + 1)) END
$$;

-- Two scopes in one table: configuration_key '*' sums every configuration (what queries without a
-- configuration filter read), otherwise it is the call's configuration id ('' for calls without one).
-- latency_buckets/latency_counts/latency_successes: a sparse histogram, buckets ascending.
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
  latency_successes BIGINT[] NOT NULL,
  simulated         BOOLEAN NOT NULL,
  first_call_at     TIMESTAMPTZ NOT NULL,
  last_call_at      TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (configuration_key, period_start, stage, provider, model)
);

-- The same per UTC day.
CREATE TABLE usage_rollup_daily (LIKE usage_rollup_hourly INCLUDING ALL);

-- The same per minute, for the hours from `since` on (the last day or so): a range whose edge falls
-- inside a busy recent hour then reads at most a minute of calls from the ledger, not an hour. The
-- refresh moves `since` forward and drops older minutes in one transaction; every hour at or after
-- it has all its rolled-up calls in minute rows too.
CREATE TABLE usage_rollup_minutely (LIKE usage_rollup_hourly INCLUDING ALL);
CREATE TABLE usage_rollup_minutely_since (since TIMESTAMPTZ NOT NULL);
INSERT INTO usage_rollup_minutely_since (since) VALUES (date_trunc('hour', now(), 'UTC') - interval '24 hours');

-- The ledger rows not rolled up yet, as ranges of ids. Every statement that inserts into model_usage
-- appends, in its own transaction, one range per run of consecutive ids it wrote (one for a single
-- call, a few for a bulk load), so a range holds that statement's rows and nothing else, becomes
-- visible exactly when they do, and the refresh that consumes it consumes exactly them, once.
CREATE TABLE usage_rollup_pending (
  first_id      BIGINT PRIMARY KEY,
  last_id       BIGINT NOT NULL,
  -- Bounds of the rows' call times, so a query skips ranges outside its time range unread.
  first_call_at TIMESTAMPTZ NOT NULL,
  last_call_at  TIMESTAMPTZ NOT NULL
);

-- Hours to recompute from the ledger because rows already rolled up may have changed (an update of a
-- counted column, a delete). Plain appended markers: a refresh deletes the ones it saw.
CREATE TABLE usage_rollup_dirty (
  id        BIGSERIAL PRIMARY KEY,
  hour      TIMESTAMPTZ NOT NULL,
  marked_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE FUNCTION usage_rollup_note_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO usage_rollup_pending (first_id, last_id, first_call_at, last_call_at)
  SELECT min(id), max(id), min(created_at), max(created_at)
    FROM (SELECT id, created_at, id - row_number() OVER (ORDER BY id) AS run FROM new_rows) ids
   GROUP BY run;
  RETURN NULL;
END $$;

CREATE FUNCTION usage_rollup_note_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO usage_rollup_dirty (hour) SELECT DISTINCT date_trunc('hour', created_at, 'UTC') FROM old_rows;
  RETURN NULL;
END $$;

-- Only an update of a column the roll-ups count marks hours (both the old and the new one): clearing
-- queue_item_id when an item is deleted changes nothing they hold.
CREATE FUNCTION usage_rollup_note_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO usage_rollup_dirty (hour)
  SELECT DISTINCT date_trunc('hour', at, 'UTC')
    FROM old_rows o FULL JOIN new_rows n ON n.id = o.id,
         LATERAL (VALUES (o.created_at), (n.created_at)) AS hours(at)
   WHERE at IS NOT NULL
     AND (o.id IS NULL OR n.id IS NULL
          OR (o.created_at, o.stage, o.provider, o.model, o.configuration_id, o.success, o.input_tokens, o.output_tokens,
              o.cost_usd, o.response_time_ms, o.simulated)
             IS DISTINCT FROM
             (n.created_at, n.stage, n.provider, n.model, n.configuration_id, n.success, n.input_tokens, n.output_tokens,
              n.cost_usd, n.response_time_ms, n.simulated));
  RETURN NULL;
END $$;

-- TRUNCATE fires no delete trigger: the roll-ups of an emptied ledger are empty.
CREATE FUNCTION usage_rollup_note_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE usage_rollup_hourly, usage_rollup_daily, usage_rollup_minutely, usage_rollup_pending, usage_rollup_dirty;
  RETURN NULL;
END $$;

CREATE TRIGGER model_usage_rollup_insert AFTER INSERT ON model_usage
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollup_note_inserted();
CREATE TRIGGER model_usage_rollup_delete AFTER DELETE ON model_usage
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollup_note_deleted();
CREATE TRIGGER model_usage_rollup_update AFTER UPDATE ON model_usage
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollup_note_updated();
CREATE TRIGGER model_usage_rollup_truncate AFTER TRUNCATE ON model_usage
  FOR EACH STATEMENT EXECUTE FUNCTION usage_rollup_note_truncated();

-- The ledger as it is now is one range to roll up: the scheduled refresh works through it in chunks
-- (this migration stays quick on a large ledger; analytics are complete once it has caught up). The
-- table lock taken above by DROP TRIGGER means no insert is in flight, so every row is in the range.
INSERT INTO usage_rollup_pending (first_id, last_id, first_call_at, last_call_at)
SELECT min(id), max(id), min(created_at), max(created_at) FROM model_usage HAVING count(*) > 0;

-- Down Migration

DROP TRIGGER IF EXISTS model_usage_rollup_truncate ON model_usage;
DROP TRIGGER IF EXISTS model_usage_rollup_update ON model_usage;
DROP TRIGGER IF EXISTS model_usage_rollup_delete ON model_usage;
DROP TRIGGER IF EXISTS model_usage_rollup_insert ON model_usage;
DROP FUNCTION IF EXISTS usage_rollup_note_truncated();
DROP FUNCTION IF EXISTS usage_rollup_note_updated();
DROP FUNCTION IF EXISTS usage_rollup_note_deleted();
DROP FUNCTION IF EXISTS usage_rollup_note_inserted();
DROP TABLE IF EXISTS usage_rollup_dirty;
DROP TABLE IF EXISTS usage_rollup_pending;
DROP TABLE IF EXISTS usage_rollup_minutely_since;
DROP TABLE IF EXISTS usage_rollup_minutely;
DROP TABLE IF EXISTS usage_rollup_daily;
DROP TABLE IF EXISTS usage_rollup_hourly;
DROP FUNCTION IF EXISTS latency_bucket_value(INTEGER);
DROP FUNCTION IF EXISTS latency_bucket_lower(INTEGER);
DROP FUNCTION IF EXISTS latency_bucket(INTEGER);

-- Back to the previous migration's roll-ups (1764060000000_usage-rollups.sql), every hour dirty.
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

