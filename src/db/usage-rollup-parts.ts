/*
 * The calls matching an analytics query, as parts to aggregate: roll-up rows wherever every call
 * they hold matches, and ledger rows only where they must be read — all in one statement, so in one
 * snapshot of the roll-ups, their pending ranges and the ledger.
 *
 * - Daily rows whose calls all lie in the range (every day inside it, and a day at its edge when
 *   its calls for that group do), unless the day has a dirty hour.
 * - Otherwise, on the edge days and the days with a dirty hour, hourly rows whose calls all lie in
 *   the range. An hourly row that straddles an edge is replaced, from the minute roll-up's `since`
 *   on (the last day), by its minute rows whose calls all lie in the range and the one straddling
 *   minute; before `since`, by its ledger rows inside the range (a "slice": the calls of its groups
 *   between the edge and the end of the hour, minute or second). The straddling minute is read, from
 *   the second roll-up's `since` on (the last hour or two), by its second rows whose calls all lie
 *   in the range and the ledger rows of the one straddling second; before it, as a slice.
 * - Dirty hours (rows changed or deleted since they were rolled up) from the ledger, inside the range.
 * - Ledger rows not rolled up yet, from their pending id ranges in id order, up to a cap of ids: the
 *   one read whose size depends on how far behind the roll-up is, and so the one that is bounded. When
 *   the backlog is within the cap the parts are exactly the matching calls; beyond it the answer
 *   leaves out the rows past the cap until the scheduled refresh has rolled them up.
 *
 * Parameters: $1 from, $2 to (null: unbounded), $3 configuration key ('*' for all), $4 stage,
 * $5 provider, $6 model (null: any), $7 the cap on pending ids read, $8 whether daily rows may be
 * used (false when the caller groups by hour).
 *
 * Defines `part_totals` (period_start, stage, provider, model, calls, successes, input_tokens,
 * output_tokens, cost_usd, latency_sum_ms, simulated, first_call_at, last_call_at) and `part_buckets`
 * (period_start, stage, provider, model, bucket, n, s: calls and successes in a latency bucket).
 */

/**
 * Ids of the pending backlog a query reads at most. Its time grows with them (a few ms per thousand
 * on a 2-core machine), and between two scheduled roll-ups (30 s) the ledger gains this many ids at
 * about 330 calls a second: within that, answers are exact; at higher sustained rates, shorten
 * QUARRY_ROLLUP_INTERVAL_S.
 */
export const PENDING_READ_CAP = 10_000;

const LEDGER_COLUMNS = 'u.created_at, u.stage, u.provider, u.model, u.success, u.input_tokens, u.output_tokens, u.cost_usd, u.response_time_ms, u.simulated';

const groupFilter = (alias: string) =>
  `($4::text IS NULL OR ${alias}.stage = $4) AND ($5::text IS NULL OR ${alias}.provider = $5) AND ($6::text IS NULL OR ${alias}.model = $6)`;

const ledgerFilter = `${groupFilter('u')} AND ($3 = '*' OR coalesce(u.configuration_id::text, '') = $3)`;

const sameGroup = (a: string, b: string) => `${a}.stage = ${b}.stage AND ${a}.provider = ${b}.provider AND ${a}.model = ${b}.model`;

/** The spans of the ledger slices read at a range's edges, each with its CTE of keys `<unit>_slice_keys`. */
const SLICE_UNITS = ['hour', 'minute', 'second'] as const;

/** Whether ledger row `u` lies in a slice of `unit` of its group. */
const inSlice = (unit: (typeof SLICE_UNITS)[number]) =>
  `EXISTS (SELECT 1 FROM ${unit}_slice_keys s WHERE s.period_start = date_trunc('${unit}', u.created_at, 'UTC') AND ${sameGroup('s', 'u')})`;

/**
 * The CTE `name`: for each straddling period of `parentSlices` (of length `span`) from `since` on,
 * the rows of the finer roll-up `table` inside it that overlap the range, of the straddling groups,
 * flagged `inside` when all their calls lie in the range.
 */
const finerRows = (name: string, parentSlices: string, since: string, table: string, span: string) => `${name} AS (
  SELECT r.*, r.first_call_at >= b.lo AND r.last_call_at < b.hi AS inside
    FROM (SELECT DISTINCT s.period_start FROM ${parentSlices} s, ${since} m WHERE s.period_start >= m.since) ps CROSS JOIN bounds b
   CROSS JOIN LATERAL (
     SELECT * FROM ${table} fr
      WHERE fr.configuration_key = $3 AND fr.period_start >= ps.period_start AND fr.period_start < ps.period_start + ${span}
     OFFSET 0
   ) r
   WHERE r.last_call_at >= b.lo AND r.first_call_at < b.hi
     AND EXISTS (SELECT 1 FROM ${parentSlices} s WHERE s.period_start = ps.period_start AND ${sameGroup('s', 'r')})
)`;

export const USAGE_PARTS_CTES = `
bounds AS (SELECT coalesce($1::timestamptz, '-infinity') AS lo, coalesce($2::timestamptz, 'infinity') AS hi),
dirty AS (SELECT DISTINCT hour FROM usage_rollup_dirty),
day_rows AS (
  SELECT r.* FROM bounds b JOIN usage_rollup_daily r
      ON r.configuration_key = $3 AND r.period_start > b.lo - interval '1 day' AND r.period_start < b.hi
   WHERE $8 AND ${groupFilter('r')} AND r.first_call_at >= b.lo AND r.last_call_at < b.hi
     AND NOT EXISTS (SELECT 1 FROM dirty d WHERE d.hour >= r.period_start AND d.hour < r.period_start + interval '1 day')
),
-- The days whose hourly rows are looked at: every day in range when daily rows are not used, else
-- the days at the range's edges and the days with a dirty hour.
hour_days AS (
  SELECT DISTINCT day FROM (
    SELECT date_trunc('day', b.lo, 'UTC') AS day FROM bounds b WHERE $8 AND isfinite(b.lo)
    UNION ALL SELECT date_trunc('day', b.hi, 'UTC') FROM bounds b WHERE $8 AND isfinite(b.hi)
    UNION ALL SELECT date_trunc('day', d.hour, 'UTC') FROM dirty d WHERE $8
    UNION ALL SELECT generate_series(date_trunc('day', b.lo, 'UTC'), b.hi, interval '1 day') FROM bounds b WHERE NOT $8
  ) days
),
hour_rows AS (
  SELECT r.*, r.first_call_at >= b.lo AND r.last_call_at < b.hi AS inside
    FROM hour_days hd CROSS JOIN bounds b
    -- LATERAL with OFFSET 0 (which keeps the planner from flattening it): each day is an index range
    -- scan, rather than one scan of every hourly row.
    CROSS JOIN LATERAL (
      SELECT * FROM usage_rollup_hourly h
       WHERE h.configuration_key = $3 AND h.period_start >= hd.day AND h.period_start < hd.day + interval '1 day'
      OFFSET 0
    ) r
   WHERE ${groupFilter('r')} AND r.last_call_at >= b.lo AND r.first_call_at < b.hi
     AND NOT EXISTS (SELECT 1 FROM dirty d WHERE d.hour = r.period_start)
     AND NOT EXISTS (SELECT 1 FROM day_rows dr WHERE dr.period_start = hd.day AND ${sameGroup('dr', 'r')})
),
hour_slices AS (SELECT period_start, stage, provider, model FROM hour_rows WHERE NOT inside),
minute_since AS (SELECT since FROM usage_rollup_minutely_since),
second_since AS (SELECT since FROM usage_rollup_secondly_since),
-- A straddling hour from the minute rows' \`since\` on is read by its minutes instead: the minute rows
-- of its groups whose calls all lie in the range, and below them the minute that straddles the edge;
-- from the second rows' \`since\` on, that minute is read by its seconds the same way.
${finerRows('minute_rows', 'hour_slices', 'minute_since', 'usage_rollup_minutely', "interval '1 hour'")},
minute_slices AS (SELECT period_start, stage, provider, model FROM minute_rows WHERE NOT inside),
${finerRows('second_rows', 'minute_slices', 'second_since', 'usage_rollup_secondly', "interval '1 minute'")},
-- What is read from the ledger at the edges: whole hours before the minute rows, single minutes
-- before the second rows, single seconds after.
slices AS (
  SELECT s.period_start, interval '1 hour' AS span, s.stage, s.provider, s.model FROM hour_slices s, minute_since m WHERE s.period_start < m.since
  UNION ALL
  SELECT s.period_start, interval '1 minute', s.stage, s.provider, s.model FROM minute_slices s, second_since m WHERE s.period_start < m.since
  UNION ALL
  SELECT period_start, interval '1 second', stage, provider, model FROM second_rows WHERE NOT inside
),
${SLICE_UNITS.map((unit) => `${unit}_slice_keys AS (SELECT period_start, stage, provider, model FROM slices WHERE span = interval '1 ${unit}')`).join(',\n')},
-- Every ledger read below is a LATERAL subquery that only names the index range to scan (a slice's
-- calls by created_at, a pending range by id), with OFFSET 0 so that the planner can neither flatten
-- it nor push the other conditions into it, and the rows it returns are filtered afterwards. Left to
-- itself, the planner turns them into scans of another index over the whole range (every call of
-- the range, filtered by id; every call of a configuration) or repeats them per group.
slice_period_rows AS MATERIALIZED (
  SELECT u.* FROM (SELECT DISTINCT period_start, span FROM slices) p CROSS JOIN bounds b
   CROSS JOIN LATERAL (
     SELECT * FROM model_usage u WHERE u.created_at >= greatest(p.period_start, b.lo) AND u.created_at < least(p.period_start + p.span, b.hi) OFFSET 0
   ) u
),
slice_rows AS (
  SELECT ${LEDGER_COLUMNS} FROM slice_period_rows u
   WHERE ($3 = '*' OR coalesce(u.configuration_id::text, '') = $3)
     AND (${SLICE_UNITS.map((unit) => inSlice(unit)).join('\n          OR ')})
),
dirty_rows AS (
  SELECT ${LEDGER_COLUMNS} FROM dirty d CROSS JOIN bounds b
   CROSS JOIN LATERAL (
     SELECT * FROM model_usage u WHERE u.created_at >= greatest(d.hour, b.lo) AND u.created_at < least(d.hour + interval '1 hour', b.hi) OFFSET 0
   ) u
   WHERE ${ledgerFilter}
),
pending_ranges AS (
  SELECT first_id, least(last_id, first_id + ($7::bigint - before) - 1) AS last_id
    FROM (SELECT p.first_id, p.last_id,
                 (sum(p.last_id - p.first_id + 1) OVER (ORDER BY p.first_id))::bigint - (p.last_id - p.first_id + 1) AS before
            FROM usage_rollup_pending p, bounds b WHERE p.last_call_at >= b.lo AND p.first_call_at < b.hi) ordered
   WHERE before < $7::bigint
),
pending_range_rows AS MATERIALIZED (
  SELECT u.* FROM pending_ranges p CROSS JOIN LATERAL (SELECT * FROM model_usage u WHERE u.id BETWEEN p.first_id AND p.last_id OFFSET 0) u
),
pending_rows AS (
  SELECT ${LEDGER_COLUMNS} FROM pending_range_rows u CROSS JOIN bounds b
   WHERE u.created_at >= b.lo AND u.created_at < b.hi AND ${ledgerFilter}
     AND NOT EXISTS (SELECT 1 FROM dirty d WHERE d.hour = date_trunc('hour', u.created_at, 'UTC'))
     ${SLICE_UNITS.map((unit) => `AND NOT ${inSlice(unit)}`).join('\n     ')}
),
raw AS (
  SELECT date_trunc('hour', u.created_at, 'UTC') AS period_start, u.stage, u.provider, u.model, latency_bucket(u.response_time_ms) AS bucket,
         count(*) AS calls, count(*) FILTER (WHERE u.success) AS successes, sum(u.input_tokens) AS input_tokens,
         sum(u.output_tokens) AS output_tokens, sum(u.cost_usd) AS cost_usd, sum(u.response_time_ms) AS latency_sum_ms,
         bool_or(u.simulated) AS simulated, min(u.created_at) AS first_call_at, max(u.created_at) AS last_call_at
    FROM (SELECT * FROM slice_rows UNION ALL SELECT * FROM dirty_rows UNION ALL SELECT * FROM pending_rows) u
   GROUP BY 1, 2, 3, 4, 5
),
rolled AS (
  SELECT period_start, stage, provider, model, calls, successes, input_tokens, output_tokens, cost_usd, latency_sum_ms, simulated,
         first_call_at, last_call_at, latency_buckets, latency_counts, latency_successes FROM day_rows
  UNION ALL
  SELECT period_start, stage, provider, model, calls, successes, input_tokens, output_tokens, cost_usd, latency_sum_ms, simulated,
         first_call_at, last_call_at, latency_buckets, latency_counts, latency_successes FROM hour_rows WHERE inside
  UNION ALL
  SELECT period_start, stage, provider, model, calls, successes, input_tokens, output_tokens, cost_usd, latency_sum_ms, simulated,
         first_call_at, last_call_at, latency_buckets, latency_counts, latency_successes FROM minute_rows WHERE inside
  UNION ALL
  SELECT period_start, stage, provider, model, calls, successes, input_tokens, output_tokens, cost_usd, latency_sum_ms, simulated,
         first_call_at, last_call_at, latency_buckets, latency_counts, latency_successes FROM second_rows WHERE inside
),
part_totals AS (
  SELECT period_start, stage, provider, model, calls, successes, input_tokens, output_tokens, cost_usd, latency_sum_ms, simulated, first_call_at, last_call_at FROM rolled
  UNION ALL
  SELECT period_start, stage, provider, model, calls, successes, input_tokens, output_tokens, cost_usd, latency_sum_ms, simulated, first_call_at, last_call_at FROM raw
),
part_buckets AS (
  SELECT r.period_start, r.stage, r.provider, r.model, b.bucket, b.n, b.s
    FROM rolled r, unnest(r.latency_buckets, r.latency_counts, r.latency_successes) AS b(bucket, n, s)
  UNION ALL
  SELECT period_start, stage, provider, model, bucket, calls, successes FROM raw
)`;

export interface UsagePartsQuery {
  from?: Date | undefined;
  to?: Date | undefined;
  stage?: string | undefined;
  provider?: string | undefined;
  model?: string | undefined;
  configurationId?: string | undefined;
  /** False when the answer is grouped by hour: daily rows cannot be split. */
  useDays?: boolean;
  pendingCap?: number;
}

/** The parameters `USAGE_PARTS_CTES` expects, in order. */
export function usagePartsParams(query: UsagePartsQuery): unknown[] {
  return [
    query.from?.toISOString() ?? null,
    query.to?.toISOString() ?? null,
    query.configurationId ?? '*',
    query.stage ?? null,
    query.provider ?? null,
    query.model ?? null,
    query.pendingCap ?? PENDING_READ_CAP,
    query.useDays ?? true,
  ];
}

/**
 * SQL for a percentile of merged histograms, as `percentile_cont(p)` computes it over the calls: the
 * values at 0-based ranks k and k + 1 (k = floor(p (n - 1))), interpolated. `histogram` has (gid,
 * bucket, n); the result has (gid, value). One pass of window sums over the histogram, no join: the
 * planner misjudges a join of the cumulative counts with the ranks and nests it.
 */
export function percentileSql(p: number, histogram: string): string {
  return `(
    SELECT gid, latency_bucket_value(b1) + frac * (latency_bucket_value(coalesce(b2, b1)) - latency_bucket_value(b1)) AS value
      FROM (
        SELECT gid, min(bucket) FILTER (WHERE upto > k) AS b1, min(bucket) FILTER (WHERE upto > k + 1) AS b2, max(frac) AS frac
          FROM (
            SELECT gid, bucket, upto, floor(${p}::float8 * (total - 1)) AS k, ${p}::float8 * (total - 1) - floor(${p}::float8 * (total - 1)) AS frac
              FROM (SELECT gid, bucket, sum(n) OVER (PARTITION BY gid ORDER BY bucket) AS upto, sum(n) OVER (PARTITION BY gid) AS total
                      FROM ${histogram}) cumulative
          ) ranked
         GROUP BY gid
      ) bounds
  )`;
}
