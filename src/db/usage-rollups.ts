import type { Pool, PoolClient } from './pool.ts';
import { inTransaction, toNumber } from './pool.ts';

/*
 * Roll-ups of the usage ledger (tables in migrations/1764060000000_usage-rollups.sql). A statement
 * that writes model_usage appends a "dirty" marker for each hour it touched; a refresh recomputes
 * those hours from the ledger (DELETE + INSERT, never an increment) and then their days from the
 * hours. A query reads roll-ups only for hours and days without a marker and reads the ledger itself
 * for dirty hours and for the partial hours at the edges of its time range, all in one statement
 * and so in one snapshot: its answer is the answer of the same aggregate over the ledger.
 */

/** Serialises refreshes across processes; a refresh that finds another running leaves the work to it. */
const REFRESH_LOCK = 'usage_rollups:refresh';

export interface RefreshOutcome {
  /** False when another refresh held the lock: nothing was done. */
  ran: boolean;
  hours: number;
  days: number;
}

/**
 * Recomputes every dirty hour, and the days they belong to, from the ledger. Safe to run at any
 * time and from several processes at once (one does the work); its cost is proportional to the
 * rows of the dirty hours.
 */
export async function refreshUsageRollups(pool: Pool): Promise<RefreshOutcome> {
  return inTransaction(pool, async (client) => {
    const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 7)) AS ok', [REFRESH_LOCK]);
    if (!locked.rows[0]?.ok) return { ran: false, hours: 0, days: 0 };
    // Only the markers seen now are consumed: a marker committed later survives for the next refresh.
    const taken = await client.query<{ hour: Date }>('DELETE FROM usage_rollup_dirty RETURNING hour');
    const hours = [...new Set(taken.rows.map((row) => row.hour.toISOString()))];
    if (hours.length === 0) return { ran: true, hours: 0, days: 0 };
    await recomputeHours(client, hours);
    const days = [...new Set(hours.map((hour) => `${hour.slice(0, 10)}T00:00:00.000Z`))];
    await recomputeDays(client, days);
    return { ran: true, hours: hours.length, days: days.length };
  });
}

async function recomputeHours(client: PoolClient, hours: string[]): Promise<void> {
  await client.query('DELETE FROM usage_rollup_hourly WHERE period_start = ANY($1::timestamptz[])', [hours]);
  await client.query(
    `WITH per_bucket AS (
       SELECT h.hour AS period_start, u.stage, u.provider, u.model, coalesce(u.configuration_id::text, '') AS configuration_key,
              latency_bucket(u.response_time_ms) AS bucket,
              count(*) AS calls, count(*) FILTER (WHERE u.success) AS successes,
              sum(u.input_tokens) AS input_tokens, sum(u.output_tokens) AS output_tokens, sum(u.cost_usd) AS cost_usd,
              sum(u.response_time_ms) AS latency_sum_ms, bool_or(u.simulated) AS simulated,
              min(u.created_at) AS first_call_at, max(u.created_at) AS last_call_at
         FROM unnest($1::timestamptz[]) AS h(hour)
         JOIN model_usage u ON u.created_at >= h.hour AND u.created_at < h.hour + interval '1 hour'
        GROUP BY 1, 2, 3, 4, 5, 6
     ),
     scoped AS (
       SELECT * FROM per_bucket
       UNION ALL
       SELECT period_start, stage, provider, model, '*', bucket, sum(calls), sum(successes), sum(input_tokens),
              sum(output_tokens), sum(cost_usd), sum(latency_sum_ms), bool_or(simulated), min(first_call_at), max(last_call_at)
         FROM per_bucket GROUP BY period_start, stage, provider, model, bucket
     )
     INSERT INTO usage_rollup_hourly
     SELECT period_start, stage, provider, model, configuration_key, sum(calls), sum(successes), sum(input_tokens),
            sum(output_tokens), sum(cost_usd), sum(latency_sum_ms),
            array_agg(bucket ORDER BY bucket), array_agg(calls ORDER BY bucket),
            bool_or(simulated), min(first_call_at), max(last_call_at)
       FROM scoped
      GROUP BY period_start, stage, provider, model, configuration_key`,
    [hours],
  );
}

async function recomputeDays(client: PoolClient, days: string[]): Promise<void> {
  await client.query('DELETE FROM usage_rollup_daily WHERE period_start = ANY($1::timestamptz[])', [days]);
  await client.query(
    `WITH hourly AS (
       SELECT d.day, r.*
         FROM unnest($1::timestamptz[]) AS d(day)
         JOIN usage_rollup_hourly r ON r.period_start >= d.day AND r.period_start < d.day + interval '1 day'
     ),
     totals AS (
       SELECT day, stage, provider, model, configuration_key, sum(calls) AS calls, sum(successes) AS successes,
              sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd,
              sum(latency_sum_ms) AS latency_sum_ms, bool_or(simulated) AS simulated,
              min(first_call_at) AS first_call_at, max(last_call_at) AS last_call_at
         FROM hourly GROUP BY 1, 2, 3, 4, 5
     ),
     buckets AS (
       SELECT day, stage, provider, model, configuration_key, b.bucket, sum(b.n) AS n
         FROM hourly, unnest(latency_buckets, latency_counts) AS b(bucket, n)
        GROUP BY 1, 2, 3, 4, 5, 6
     ),
     histograms AS (
       SELECT day, stage, provider, model, configuration_key,
              array_agg(bucket ORDER BY bucket) AS latency_buckets, array_agg(n ORDER BY bucket) AS latency_counts
         FROM buckets GROUP BY 1, 2, 3, 4, 5
     )
     INSERT INTO usage_rollup_daily
     SELECT t.day, t.stage, t.provider, t.model, t.configuration_key, t.calls, t.successes, t.input_tokens, t.output_tokens,
            t.cost_usd, t.latency_sum_ms, h.latency_buckets, h.latency_counts, t.simulated, t.first_call_at, t.last_call_at
       FROM totals t JOIN histograms h USING (day, stage, provider, model, configuration_key)`,
    [days],
  );
}

export interface UsageFilters {
  /** Inclusive lower bound on the call's time. */
  from?: Date | undefined;
  /** Exclusive upper bound. */
  to?: Date | undefined;
  stage?: string | undefined;
  provider?: string | undefined;
  model?: string | undefined;
  configurationId?: string | undefined;
}

export interface ModelPerformanceRow {
  model: string;
  provider: string;
  stage: string;
  calls: number;
  successes: number;
  success_rate: number;
  avg_latency_ms: number;
  p95_latency_ms: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  simulated: boolean;
  first_call_at: string;
  last_call_at: string;
}

/**
 * The rows of `model_performance_analytics` (per model, provider and stage) for the calls that match
 * `filters`, from roll-ups where they are current and from the ledger elsewhere. Every column equals
 * the view's aggregate over the same calls, except p95 above 50 ms, which is read from a log-bucket
 * histogram and is within 4.8 % of the exact value (exact below 50 ms).
 */
export async function modelPerformance(client: Pool | PoolClient, filters: UsageFilters): Promise<ModelPerformanceRow[]> {
  const result = await client.query(MODEL_PERFORMANCE_SQL, [
    filters.from?.toISOString() ?? null,
    filters.to?.toISOString() ?? null,
    filters.configurationId ?? '*',
    filters.stage ?? null,
    filters.provider ?? null,
    filters.model ?? null,
  ]);
  return result.rows.map((row: Record<string, unknown>) => ({
    model: row.model as string,
    provider: row.provider as string,
    stage: row.stage as string,
    calls: toNumber(row.calls)!,
    successes: toNumber(row.successes)!,
    success_rate: toNumber(row.success_rate)!,
    avg_latency_ms: toNumber(row.avg_latency_ms)!,
    p95_latency_ms: toNumber(row.p95_latency_ms)!,
    input_tokens: toNumber(row.input_tokens)!,
    output_tokens: toNumber(row.output_tokens)!,
    cost_usd: toNumber(row.cost_usd)!,
    simulated: row.simulated as boolean,
    first_call_at: (row.first_call_at as Date).toISOString(),
    last_call_at: (row.last_call_at as Date).toISOString(),
  }));
}

// $1 from, $2 to (null: unbounded), $3 configuration key ('*' for all), $4 stage, $5 provider, $6 model.
const MODEL_PERFORMANCE_SQL = `
WITH bounds AS (
  SELECT coalesce($1::timestamptz, '-infinity') AS lo, coalesce($2::timestamptz, 'infinity') AS hi
),
dirty AS (SELECT DISTINCT hour FROM usage_rollup_dirty),
-- Whole UTC days inside the range with no dirty hour: read from the daily roll-up.
clean_days AS (
  SELECT r.* FROM usage_rollup_daily r, bounds b
   WHERE r.configuration_key = $3
     AND r.period_start >= b.lo AND r.period_start + interval '1 day' <= b.hi
     AND ($4::text IS NULL OR r.stage = $4) AND ($5::text IS NULL OR r.provider = $5) AND ($6::text IS NULL OR r.model = $6)
     AND NOT EXISTS (SELECT 1 FROM dirty d WHERE d.hour >= r.period_start AND d.hour < r.period_start + interval '1 day')
),
-- Days not read whole: the partial days at the range's edges and the days with a dirty hour. Only
-- their hourly rows are looked at (by index range), never the hourly rows of whole clean days.
hour_days AS (
  SELECT DISTINCT day FROM (
    SELECT date_trunc('day', b.lo, 'UTC') AS day FROM bounds b WHERE isfinite(b.lo)
    UNION ALL SELECT date_trunc('day', b.hi, 'UTC') FROM bounds b WHERE isfinite(b.hi)
    UNION ALL SELECT date_trunc('day', d.hour, 'UTC') FROM dirty d
  ) days
),
-- Whole clean hours inside the range whose day is not read whole.
clean_hours AS (
  SELECT r.* FROM hour_days hd CROSS JOIN bounds b
    JOIN usage_rollup_hourly r ON r.configuration_key = $3 AND r.period_start >= hd.day AND r.period_start < hd.day + interval '1 day'
   WHERE r.period_start >= b.lo AND r.period_start + interval '1 hour' <= b.hi
     AND ($4::text IS NULL OR r.stage = $4) AND ($5::text IS NULL OR r.provider = $5) AND ($6::text IS NULL OR r.model = $6)
     AND NOT EXISTS (SELECT 1 FROM dirty d WHERE d.hour = r.period_start)
     AND NOT (
       hd.day >= b.lo AND hd.day + interval '1 day' <= b.hi
       AND NOT EXISTS (SELECT 1 FROM dirty d WHERE d.hour >= hd.day AND d.hour < hd.day + interval '1 day')
     )
),
-- The ledger itself for dirty hours and the partial hours at the range's edges.
raw_hours AS (
  SELECT DISTINCT hour FROM (
    SELECT d.hour FROM dirty d, bounds b WHERE d.hour + interval '1 hour' > b.lo AND d.hour < b.hi
    UNION ALL SELECT date_trunc('hour', b.lo, 'UTC') FROM bounds b WHERE isfinite(b.lo) AND date_trunc('hour', b.lo, 'UTC') <> b.lo
    UNION ALL SELECT date_trunc('hour', b.hi, 'UTC') FROM bounds b WHERE isfinite(b.hi) AND date_trunc('hour', b.hi, 'UTC') <> b.hi
  ) edges
),
raw AS (
  SELECT u.stage, u.provider, u.model, latency_bucket(u.response_time_ms) AS bucket,
         count(*) AS calls, count(*) FILTER (WHERE u.success) AS successes, sum(u.input_tokens) AS input_tokens,
         sum(u.output_tokens) AS output_tokens, sum(u.cost_usd) AS cost_usd, sum(u.response_time_ms) AS latency_sum_ms,
         bool_or(u.simulated) AS simulated, min(u.created_at) AS first_call_at, max(u.created_at) AS last_call_at
    FROM raw_hours h CROSS JOIN bounds b
    JOIN model_usage u ON u.created_at >= greatest(h.hour, b.lo) AND u.created_at < least(h.hour + interval '1 hour', b.hi)
   WHERE ($3 = '*' OR coalesce(u.configuration_id::text, '') = $3)
     AND ($4::text IS NULL OR u.stage = $4) AND ($5::text IS NULL OR u.provider = $5) AND ($6::text IS NULL OR u.model = $6)
   GROUP BY 1, 2, 3, 4
),
rolled AS (SELECT * FROM clean_days UNION ALL SELECT * FROM clean_hours),
totals AS (
  SELECT row_number() OVER () AS gid, stage, provider, model, sum(calls) AS calls, sum(successes) AS successes,
         sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd,
         sum(latency_sum_ms) AS latency_sum_ms, bool_or(simulated) AS simulated, min(first_call_at) AS first_call_at,
         max(last_call_at) AS last_call_at
    FROM (
      SELECT stage, provider, model, calls, successes, input_tokens, output_tokens, cost_usd, latency_sum_ms, simulated, first_call_at, last_call_at FROM rolled
      UNION ALL
      SELECT stage, provider, model, calls, successes, input_tokens, output_tokens, cost_usd, latency_sum_ms, simulated, first_call_at, last_call_at FROM raw
    ) parts
   GROUP BY stage, provider, model
),
-- Histograms are merged per group and bucket first, then labelled with the group's small integer id
-- for the window and the percentile steps.
histogram AS (
  SELECT t.gid, m.bucket, m.n FROM (
    SELECT stage, provider, model, bucket, sum(n) AS n FROM (
      SELECT r.stage, r.provider, r.model, b.bucket, b.n FROM rolled r, unnest(r.latency_buckets, r.latency_counts) AS b(bucket, n)
      UNION ALL
      SELECT stage, provider, model, bucket, calls FROM raw
    ) parts
    GROUP BY stage, provider, model, bucket
  ) m JOIN totals t USING (stage, provider, model)
),
cumulative AS (
  SELECT h.*, sum(h.n) OVER (PARTITION BY gid ORDER BY bucket) AS upto FROM histogram h
),
-- percentile_cont(0.95): the values at 0-based ranks k and k + 1, k = floor(0.95 (n - 1)), interpolated.
ranks AS (
  SELECT gid, floor(0.95::float8 * (calls - 1)) AS k, 0.95::float8 * (calls - 1) - floor(0.95::float8 * (calls - 1)) AS frac
    FROM totals
),
p95 AS (
  SELECT c.gid,
         latency_bucket_value(min(c.bucket) FILTER (WHERE c.upto > r.k)) AS v1,
         latency_bucket_value(coalesce(min(c.bucket) FILTER (WHERE c.upto > r.k + 1), min(c.bucket) FILTER (WHERE c.upto > r.k))) AS v2,
         r.frac
    FROM cumulative c JOIN ranks r USING (gid)
   GROUP BY c.gid, r.k, r.frac
)
SELECT t.model, t.provider, t.stage, t.calls, t.successes,
       round(t.successes::numeric / t.calls, 5) AS success_rate,
       round(t.latency_sum_ms::numeric / t.calls, 2) AS avg_latency_ms,
       p.v1 + p.frac * (p.v2 - p.v1) AS p95_latency_ms,
       t.input_tokens, t.output_tokens, t.cost_usd, t.simulated, t.first_call_at, t.last_call_at
  FROM totals t JOIN p95 p USING (gid)
 WHERE t.calls > 0
 ORDER BY t.cost_usd DESC, t.model, t.stage`;
