import type { Pool, PoolClient } from './pool.ts';
import { notPending, runRefresh, takeDirtyHours, takePending, type RefreshOptions, type RefreshOutcome, type RefreshStep, type TakenRanges } from './rollup-refresh.ts';

export type { RefreshOptions, RefreshOutcome } from './rollup-refresh.ts';

/*
 * Keeps the ledger's roll-ups (migrations/1764100000000_incremental-rollups.sql) current, in the
 * way src/db/rollup-refresh.ts describes: each step adds the rows of the pending ranges it takes to
 * the hourly and daily roll-ups (and to the minute and second roll-ups, for the hours they cover),
 * and recomputes from the ledger every hour marked dirty by an update or delete.
 */

/**
 * The roll-ups finer than an hour, kept for recent hours only: from their `since` (an hour, moved
 * forward by every step to `keepFor` before the current hour) on, every rolled-up call is in their
 * rows too. An edge inside a kept hour reads at most a minute of calls from the ledger; inside a
 * kept minute (migrations/1764112000000_usage-rollup-seconds.sql), at most a second.
 */
const FINE_ROLLUPS = [
  { unit: 'minute', table: 'usage_rollup_minutely', sinceTable: 'usage_rollup_minutely_since', keepFor: "interval '24 hours'" },
  { unit: 'second', table: 'usage_rollup_secondly', sinceTable: 'usage_rollup_secondly_since', keepFor: "interval '1 hour'" },
] as const;
type FineRollup = (typeof FINE_ROLLUPS)[number];

/**
 * Rolls up the pending ledger rows and recomputes dirty hours, a chunk per transaction, until
 * nothing is left or `maxMs` has passed. Returns at once (`ran: false`) while another refresh runs.
 */
export async function refreshUsageRollups(pool: Pool, options: RefreshOptions = {}): Promise<RefreshOutcome> {
  // Statistics only: the ledger is read by index range scans, never index-only, so vacuuming it early buys nothing.
  return runRefresh(pool, { lock: 'usage_rollups:refresh', pendingTable: 'usage_rollup_pending', afterBulkLoad: 'ANALYZE model_usage', step: refreshStep }, options);
}

async function refreshStep(client: PoolClient, chunkIds: number): Promise<RefreshStep> {
  // A chunk's calls group into about as many (period, group, latency bucket) rows as there are calls
  // (per second, nearly one each), and with the default 4 MB the planner sorts them on disk instead
  // of hashing them in memory: twice the time. Bounded by the chunk; one refresh runs at a time.
  await client.query("SET LOCAL work_mem = '64MB'");
  const fine: Array<{ rollup: FineRollup; since: Date }> = [];
  for (const rollup of FINE_ROLLUPS) fine.push({ rollup, since: await advanceFineRows(client, rollup) });
  const hours = await takeDirtyHours(client, 'usage_rollup_dirty');
  const taken = await takePending(client, 'usage_rollup_pending', chunkIds);
  if (hours.length > 0) await recomputeHours(client, hours, fine);
  if (taken.firstIds.length > 0) await addRows(client, taken, hours, fine);
  if (hours.length > 0) await recomputeDays(client, [...new Set(hours.map((hour) => `${hour.slice(0, 10)}T00:00:00.000Z`))]);
  return { ids: taken.ids, hours: hours.length };
}

/** Moves the start of a fine roll-up's rows up to `keepFor` before the current hour, dropping older rows; returns it. */
async function advanceFineRows(client: PoolClient, rollup: FineRollup): Promise<Date> {
  const moved = await client.query<{ since: Date; before: Date }>(
    `WITH before AS (SELECT since FROM ${rollup.sinceTable})
     UPDATE ${rollup.sinceTable} SET since = greatest(since, date_trunc('hour', now(), 'UTC') - ${rollup.keepFor})
     RETURNING since, (SELECT since FROM before) AS before`,
  );
  const { since, before } = moved.rows[0]!;
  // Only when it moved (once an hour): finding the rows to drop scans the table.
  if (since > before) await client.query(`DELETE FROM ${rollup.table} WHERE period_start < $1`, [since]);
  return since;
}

/** The aggregates of a (period, group, scope, latency bucket) row, over ledger rows `u`. */
const LEDGER_AGGREGATES = `count(*) AS calls, count(*) FILTER (WHERE u.success) AS successes, sum(u.input_tokens) AS input_tokens,
           sum(u.output_tokens) AS output_tokens, sum(u.cost_usd) AS cost_usd, sum(u.response_time_ms) AS latency_sum_ms,
           bool_or(u.simulated) AS simulated, min(u.created_at) AS first_call_at, max(u.created_at) AS last_call_at`;

/** The same aggregates over rows that hold them already. */
const MERGED_AGGREGATES = `sum(calls) AS calls, sum(successes) AS successes, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
           sum(cost_usd) AS cost_usd, sum(latency_sum_ms) AS latency_sum_ms, bool_or(simulated) AS simulated,
           min(first_call_at) AS first_call_at, max(last_call_at) AS last_call_at`;

/**
 * The CTE `name`: the aggregate of some ledger rows `u` (a FROM clause naming them) per period
 * (`period`, an expression of `u.created_at`), group, configuration and latency bucket.
 */
const perBucketOf = (name: string, rows: string, period: string) => `
  ${name} AS (
    SELECT ${period} AS period_start, u.stage, u.provider, u.model,
           coalesce(u.configuration_id::text, '') AS configuration_key, latency_bucket(u.response_time_ms) AS bucket,
           ${LEDGER_AGGREGATES}
      FROM ${rows}
     GROUP BY 1, 2, 3, 4, 5, 6
  )`;

/**
 * The CTE `name`: roll-up rows from the per-bucket CTE `perBucket` — per period, group and scope
 * (the configuration, and '*' for all together), with their sparse histograms.
 */
const rollupRowsFrom = (name: string, perBucket: string) => `
  ${name}_scoped AS (
    SELECT * FROM ${perBucket}
    UNION ALL
    SELECT period_start, stage, provider, model, '*', bucket, ${MERGED_AGGREGATES}
      FROM ${perBucket} GROUP BY period_start, stage, provider, model, bucket
  ),
  ${name} AS (
    SELECT period_start, stage, provider, model, configuration_key, sum(calls) AS calls, sum(successes) AS successes,
           sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd,
           sum(latency_sum_ms) AS latency_sum_ms, array_agg(bucket ORDER BY bucket) AS latency_buckets,
           array_agg(calls ORDER BY bucket) AS latency_counts, array_agg(successes ORDER BY bucket) AS latency_successes,
           bool_or(simulated) AS simulated, min(first_call_at) AS first_call_at, max(last_call_at) AS last_call_at
      FROM ${name}_scoped GROUP BY period_start, stage, provider, model, configuration_key
  )`;

/** The roll-up rows (CTE `rollup_rows`) of some ledger rows `u` (a FROM clause naming them) per `unit`. */
const rollupRowsOf = (rows: string, unit: 'hour' | FineRollup['unit'] = 'hour') =>
  `${perBucketOf('per_bucket', rows, `date_trunc('${unit}', u.created_at, 'UTC')`)},${rollupRowsFrom('rollup_rows', 'per_bucket')}`;

const COLUMNS = `period_start, stage, provider, model, configuration_key, calls, successes, input_tokens, output_tokens, cost_usd,
  latency_sum_ms, latency_buckets, latency_counts, latency_successes, simulated, first_call_at, last_call_at`;

/** Adds rows to a roll-up row: sums add, histograms merge bucket by bucket, bounds widen. */
const MERGE = (table: string) => `
  ON CONFLICT (configuration_key, period_start, stage, provider, model) DO UPDATE SET
    calls = ${table}.calls + EXCLUDED.calls, successes = ${table}.successes + EXCLUDED.successes,
    input_tokens = ${table}.input_tokens + EXCLUDED.input_tokens, output_tokens = ${table}.output_tokens + EXCLUDED.output_tokens,
    cost_usd = ${table}.cost_usd + EXCLUDED.cost_usd, latency_sum_ms = ${table}.latency_sum_ms + EXCLUDED.latency_sum_ms,
    simulated = ${table}.simulated OR EXCLUDED.simulated,
    first_call_at = least(${table}.first_call_at, EXCLUDED.first_call_at), last_call_at = greatest(${table}.last_call_at, EXCLUDED.last_call_at),
    (latency_buckets, latency_counts, latency_successes) = (
      SELECT array_agg(bucket ORDER BY bucket), array_agg(n ORDER BY bucket), array_agg(s ORDER BY bucket)
        FROM (SELECT bucket, sum(n) AS n, sum(s) AS s
                FROM (SELECT * FROM unnest(${table}.latency_buckets, ${table}.latency_counts, ${table}.latency_successes)
                      UNION ALL
                      SELECT * FROM unnest(EXCLUDED.latency_buckets, EXCLUDED.latency_counts, EXCLUDED.latency_successes)) AS both_sides(bucket, n, s)
               GROUP BY bucket) AS merged)`;

/**
 * Adds the taken ranges' rows to the hourly and daily roll-ups and, from their `since` on, to the
 * minute and second ones — except rows in hours recomputed by this step (the recomputation already
 * counted them) and, for the daily roll-up, in days recomputed from their hours by this step. One
 * pass over the calls: each is aggregated per the finest period kept for its time (a second, a
 * minute or an hour), and the coarser roll-ups regroup those aggregates.
 */
async function addRows(client: PoolClient, taken: TakenRanges, recomputed: string[], fine: ReadonlyArray<{ rollup: FineRollup; since: Date }>): Promise<void> {
  // $5, $6, …: the fine roll-ups' `since`, in FINE_ROLLUPS order (coarse to fine).
  const since = (index: number) => `$${5 + index}::timestamptz`;
  const finest = `CASE ${fine.map(({ rollup }, index) => `WHEN u.created_at >= ${since(index)} THEN '${rollup.unit}'`).reverse().join(' ')} ELSE 'hour' END`;
  // A roll-up's aggregates: those already per its unit (from its `since` to the next finer one's)
  // as they are, and those per a finer unit (from the next finer `since` on) regrouped — on a month
  // of calls nearly all are per hour already, and regrouping them would cost a second pass.
  const bucketsOf = (name: string, unit: string, index: number) => {
    const from = index < 0 ? 'true' : `period_start >= ${since(index)}`;
    if (index === fine.length - 1) return `${name} AS (SELECT * FROM finest WHERE ${from})`;
    return `${name} AS (
      SELECT * FROM finest WHERE ${from} AND period_start < ${since(index + 1)}
      UNION ALL
      SELECT date_trunc('${unit}', period_start, 'UTC') AS period_start, stage, provider, model, configuration_key, bucket, ${MERGED_AGGREGATES}
        FROM finest WHERE ${from} AND period_start >= ${since(index + 1)} GROUP BY 1, 2, 3, 4, 5, 6
    )`;
  };
  const levels = fine.map(({ rollup }, index) => {
    const name = `${rollup.unit}_rollup`;
    return `${bucketsOf(`${rollup.unit}_buckets`, rollup.unit, index)},${rollupRowsFrom(name, `${rollup.unit}_buckets`)},
     ${rollup.unit}_added AS (INSERT INTO ${rollup.table} AS r (${COLUMNS}) SELECT ${COLUMNS} FROM ${name} ${MERGE('r')})`;
  });
  await client.query(
    `WITH taken AS (SELECT * FROM unnest($1::bigint[], $2::bigint[]) AS t(first_id, last_id)),
     ${perBucketOf(
       'finest',
       `taken t CROSS JOIN LATERAL (SELECT * FROM model_usage u WHERE u.id BETWEEN t.first_id AND t.last_id OFFSET 0) u
         WHERE date_trunc('hour', u.created_at, 'UTC') <> ALL ($3::timestamptz[])`,
       `date_trunc(${finest}, u.created_at, 'UTC')`,
     )},
     ${levels.join(',')},
     ${bucketsOf('hour_buckets', 'hour', -1)},${rollupRowsFrom('rollup_rows', 'hour_buckets')},
     hourly AS (INSERT INTO usage_rollup_hourly AS r (${COLUMNS}) SELECT ${COLUMNS} FROM rollup_rows ${MERGE('r')}),
     daily_buckets AS (
       SELECT date_trunc('day', period_start, 'UTC') AS period_start, stage, provider, model, configuration_key, b.bucket,
              sum(b.n) AS n, sum(b.s) AS s
         FROM rollup_rows, unnest(latency_buckets, latency_counts, latency_successes) AS b(bucket, n, s)
        WHERE date_trunc('day', period_start, 'UTC') <> ALL ($4::timestamptz[])
        GROUP BY 1, 2, 3, 4, 5, 6
     ),
     daily_rows AS (
       SELECT t.*, h.latency_buckets, h.latency_counts, h.latency_successes
         FROM (SELECT date_trunc('day', period_start, 'UTC') AS period_start, stage, provider, model, configuration_key, ${MERGED_AGGREGATES}
                 FROM rollup_rows WHERE date_trunc('day', period_start, 'UTC') <> ALL ($4::timestamptz[])
                GROUP BY 1, 2, 3, 4, 5) t
         JOIN (SELECT period_start, stage, provider, model, configuration_key, array_agg(bucket ORDER BY bucket) AS latency_buckets,
                      array_agg(n ORDER BY bucket) AS latency_counts, array_agg(s ORDER BY bucket) AS latency_successes
                 FROM daily_buckets GROUP BY 1, 2, 3, 4, 5) h USING (period_start, stage, provider, model, configuration_key)
     )
     INSERT INTO usage_rollup_daily AS r (${COLUMNS}) SELECT ${COLUMNS} FROM daily_rows ${MERGE('r')}`,
    [
      taken.firstIds,
      taken.lastIds,
      recomputed,
      [...new Set(recomputed.map((hour) => `${hour.slice(0, 10)}T00:00:00.000Z`))],
      ...fine.map(({ since: at }) => at),
    ],
  );
}

/** Recomputes hours from the ledger, leaving out rows still pending (they are added when their range is taken). */
async function recomputeHours(client: PoolClient, hours: string[], fine: ReadonlyArray<{ rollup: FineRollup; since: Date }>): Promise<void> {
  const rows = `unnest($1::timestamptz[]) AS h(hour)
                JOIN model_usage u ON u.created_at >= h.hour AND u.created_at < h.hour + interval '1 hour'
               WHERE ${notPending('usage_rollup_pending', 'u')}`;
  await client.query('DELETE FROM usage_rollup_hourly WHERE period_start = ANY ($1::timestamptz[])', [hours]);
  await client.query(`WITH ${rollupRowsOf(rows)} INSERT INTO usage_rollup_hourly (${COLUMNS}) SELECT ${COLUMNS} FROM rollup_rows`, [hours]);
  for (const { rollup, since } of fine) {
    const recent = hours.filter((hour) => new Date(hour) >= since);
    if (recent.length === 0) continue;
    await client.query(`DELETE FROM ${rollup.table} WHERE date_trunc('hour', period_start, 'UTC') = ANY ($1::timestamptz[])`, [recent]);
    await client.query(`WITH ${rollupRowsOf(rows, rollup.unit)} INSERT INTO ${rollup.table} (${COLUMNS}) SELECT ${COLUMNS} FROM rollup_rows`, [recent]);
  }
}

/** Recomputes days from their hourly rows. */
async function recomputeDays(client: PoolClient, days: string[]): Promise<void> {
  await client.query('DELETE FROM usage_rollup_daily WHERE period_start = ANY ($1::timestamptz[])', [days]);
  await client.query(
    `WITH hourly AS (
       SELECT d.day, r.* FROM unnest($1::timestamptz[]) AS d(day)
         JOIN usage_rollup_hourly r ON r.period_start >= d.day AND r.period_start < d.day + interval '1 day'
     ),
     totals AS (
       SELECT day, stage, provider, model, configuration_key, sum(calls) AS calls, sum(successes) AS successes,
              sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd,
              sum(latency_sum_ms) AS latency_sum_ms, bool_or(simulated) AS simulated,
              min(first_call_at) AS first_call_at, max(last_call_at) AS last_call_at
         FROM hourly GROUP BY 1, 2, 3, 4, 5
     ),
     histograms AS (
       SELECT day, stage, provider, model, configuration_key, array_agg(bucket ORDER BY bucket) AS latency_buckets,
              array_agg(n ORDER BY bucket) AS latency_counts, array_agg(s ORDER BY bucket) AS latency_successes
         FROM (SELECT day, stage, provider, model, configuration_key, b.bucket, sum(b.n) AS n, sum(b.s) AS s
                 FROM hourly, unnest(latency_buckets, latency_counts, latency_successes) AS b(bucket, n, s)
                GROUP BY 1, 2, 3, 4, 5, 6) buckets
        GROUP BY 1, 2, 3, 4, 5
     )
     INSERT INTO usage_rollup_daily (${COLUMNS})
     SELECT t.day, t.stage, t.provider, t.model, t.configuration_key, t.calls, t.successes, t.input_tokens, t.output_tokens,
            t.cost_usd, t.latency_sum_ms, h.latency_buckets, h.latency_counts, h.latency_successes, t.simulated,
            t.first_call_at, t.last_call_at
       FROM totals t JOIN histograms h USING (day, stage, provider, model, configuration_key)`,
    [days],
  );
}
