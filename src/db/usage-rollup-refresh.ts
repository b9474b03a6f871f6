import type { Pool, PoolClient } from './pool.ts';

/*
 * Keeps the ledger's roll-ups (migrations/1764070000000_incremental-rollups.sql) current. Each step,
 * in one transaction with one snapshot, takes the pending id ranges up to a chunk of ids and adds
 * their rows to the hourly and daily roll-ups, and recomputes from the ledger every hour marked
 * dirty by an update or delete. A step either commits whole or not at all, and the ranges it consumed
 * are gone with its commit: every ledger row is counted exactly once, however often or from how many
 * processes refreshes run. Only the refresh writes roll-ups (one at a time, under an advisory lock),
 * so the additions never contend; and because any hour can be recomputed from the ledger, they are
 * a cache of it, not counters that could drift.
 */

const REFRESH_LOCK = 'usage_rollups:refresh';

export interface RefreshOptions {
  /** Ledger ids (rows, at most) per transaction: bounds a step's time and locks. */
  chunkIds?: number;
  /** Stop after this long even when there is more to do; the next refresh carries on. */
  maxMs?: number;
  /** Called after every committed step, e.g. to heartbeat. */
  onStep?: (step: RefreshStep) => void;
}

export interface RefreshStep {
  /** Ids taken from pending ranges (rows plus gaps). */
  ids: number;
  /** Dirty hours recomputed from the ledger. */
  hours: number;
}

export interface RefreshOutcome {
  /** False when another refresh held the lock: nothing was done. */
  ran: boolean;
  steps: number;
  ids: number;
  hours: number;
  /** Whether nothing was left to roll up when it stopped. */
  caughtUp: boolean;
}

/**
 * Rolls up the pending ledger rows and recomputes dirty hours, a chunk per transaction, until
 * nothing is left or `maxMs` has passed. Returns at once (`ran: false`) while another refresh runs.
 */
export async function refreshUsageRollups(pool: Pool, options: RefreshOptions = {}): Promise<RefreshOutcome> {
  const chunkIds = options.chunkIds ?? 250_000;
  const deadline = performance.now() + (options.maxMs ?? 60_000);
  const client = await pool.connect();
  const outcome: RefreshOutcome = { ran: false, steps: 0, ids: 0, hours: 0, caughtUp: false };
  try {
    // A session lock, taken before the step's transaction: its snapshot is then taken after the
    // previous refresh committed, so it sees that refresh's work (a transaction-level lock would be
    // taken after the snapshot).
    const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 7)) AS ok', [REFRESH_LOCK]);
    if (!locked.rows[0]?.ok) return outcome;
    outcome.ran = true;
    try {
      for (;;) {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        let step: RefreshStep;
        try {
          step = await refreshStep(client, chunkIds);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
        outcome.steps += 1;
        outcome.ids += step.ids;
        outcome.hours += step.hours;
        options.onStep?.(step);
        // A step that found less than a chunk took everything committed when it began.
        if (step.ids < chunkIds) {
          outcome.caughtUp = true;
          break;
        }
        if (performance.now() >= deadline) break;
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 7))', [REFRESH_LOCK]);
    }
    return outcome;
  } finally {
    client.release();
  }
}

/** What is not rolled up yet: ids in pending ranges (an upper bound on their rows) and dirty hours. */
export async function usageRollupBacklog(client: Pool | PoolClient): Promise<{ pendingIds: number; dirtyHours: number }> {
  const result = await client.query<{ ids: string; hours: string }>(
    `SELECT (SELECT coalesce(sum(last_id - first_id + 1), 0) FROM usage_rollup_pending) AS ids,
            (SELECT count(DISTINCT hour) FROM usage_rollup_dirty) AS hours`,
  );
  return { pendingIds: Number(result.rows[0]!.ids), dirtyHours: Number(result.rows[0]!.hours) };
}

async function refreshStep(client: PoolClient, chunkIds: number): Promise<RefreshStep> {
  const dirty = await client.query<{ hour: Date }>('DELETE FROM usage_rollup_dirty RETURNING hour');
  const hours = [...new Set(dirty.rows.map((row) => row.hour.toISOString()))];
  const taken = await takePending(client, chunkIds);
  if (hours.length > 0) await recomputeHours(client, hours);
  if (taken.firstIds.length > 0) await addRows(client, taken, hours);
  if (hours.length > 0) await recomputeDays(client, [...new Set(hours.map((hour) => `${hour.slice(0, 10)}T00:00:00.000Z`))]);
  return { ids: taken.ids, hours: hours.length };
}

interface Taken {
  firstIds: string[];
  lastIds: string[];
  ids: number;
}

/**
 * Takes pending ranges in id order up to `chunkIds` ids; the range that crosses the limit is cut,
 * its rest staying pending. Ranges are removed here, in the step's transaction.
 */
async function takePending(client: PoolClient, chunkIds: number): Promise<Taken> {
  const result = await client.query<{ first_id: string; last_id: string; cut: boolean }>(
    `WITH ordered AS (
       SELECT first_id, last_id, sum(last_id - first_id + 1) OVER (ORDER BY first_id) - (last_id - first_id + 1) AS before
         FROM usage_rollup_pending
     ),
     chosen AS (
       SELECT first_id, least(last_id, first_id + ($1 - before) - 1) AS last_id, last_id > first_id + ($1 - before) - 1 AS cut
         FROM ordered WHERE before < $1
     ),
     removed AS (DELETE FROM usage_rollup_pending p USING chosen c WHERE p.first_id = c.first_id AND NOT c.cut),
     shortened AS (UPDATE usage_rollup_pending p SET first_id = c.last_id + 1 FROM chosen c WHERE p.first_id = c.first_id AND c.cut)
     SELECT first_id, last_id, cut FROM chosen ORDER BY first_id`,
    [chunkIds],
  );
  return {
    firstIds: result.rows.map((row) => row.first_id),
    lastIds: result.rows.map((row) => row.last_id),
    ids: result.rows.reduce((sum, row) => sum + Number(row.last_id) - Number(row.first_id) + 1, 0),
  };
}

/**
 * The per-bucket aggregate of some ledger rows `u` (a FROM clause naming them), per hour, group and
 * scope ('*' and the configuration), as roll-up rows with their sparse histograms.
 */
const rollupRowsOf = (rows: string) => `
  per_bucket AS (
    SELECT date_trunc('hour', u.created_at, 'UTC') AS period_start, u.stage, u.provider, u.model,
           coalesce(u.configuration_id::text, '') AS configuration_key, latency_bucket(u.response_time_ms) AS bucket,
           count(*) AS calls, count(*) FILTER (WHERE u.success) AS successes, sum(u.input_tokens) AS input_tokens,
           sum(u.output_tokens) AS output_tokens, sum(u.cost_usd) AS cost_usd, sum(u.response_time_ms) AS latency_sum_ms,
           bool_or(u.simulated) AS simulated, min(u.created_at) AS first_call_at, max(u.created_at) AS last_call_at
      FROM ${rows}
     GROUP BY 1, 2, 3, 4, 5, 6
  ),
  scoped AS (
    SELECT * FROM per_bucket
    UNION ALL
    SELECT period_start, stage, provider, model, '*', bucket, sum(calls), sum(successes), sum(input_tokens), sum(output_tokens),
           sum(cost_usd), sum(latency_sum_ms), bool_or(simulated), min(first_call_at), max(last_call_at)
      FROM per_bucket GROUP BY period_start, stage, provider, model, bucket
  ),
  rollup_rows AS (
    SELECT period_start, stage, provider, model, configuration_key, sum(calls) AS calls, sum(successes) AS successes,
           sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd,
           sum(latency_sum_ms) AS latency_sum_ms, array_agg(bucket ORDER BY bucket) AS latency_buckets,
           array_agg(calls ORDER BY bucket) AS latency_counts, array_agg(successes ORDER BY bucket) AS latency_successes,
           bool_or(simulated) AS simulated, min(first_call_at) AS first_call_at, max(last_call_at) AS last_call_at
      FROM scoped GROUP BY period_start, stage, provider, model, configuration_key
  )`;

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
 * Adds the taken ranges' rows to the hourly roll-up and to the daily one, except rows in hours
 * recomputed by this step (the recomputation already counted them) and, for the daily roll-up, in
 * days recomputed from their hours by this step.
 */
async function addRows(client: PoolClient, taken: Taken, recomputed: string[]): Promise<void> {
  await client.query(
    `WITH taken AS (SELECT * FROM unnest($1::bigint[], $2::bigint[]) AS t(first_id, last_id)),
     ${rollupRowsOf(`taken t JOIN model_usage u ON u.id BETWEEN t.first_id AND t.last_id
                     WHERE date_trunc('hour', u.created_at, 'UTC') <> ALL ($3::timestamptz[])`)},
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
         FROM (SELECT date_trunc('day', period_start, 'UTC') AS period_start, stage, provider, model, configuration_key,
                      sum(calls) AS calls, sum(successes) AS successes, sum(input_tokens) AS input_tokens,
                      sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd, sum(latency_sum_ms) AS latency_sum_ms,
                      bool_or(simulated) AS simulated, min(first_call_at) AS first_call_at, max(last_call_at) AS last_call_at
                 FROM rollup_rows WHERE date_trunc('day', period_start, 'UTC') <> ALL ($4::timestamptz[])
                GROUP BY 1, 2, 3, 4, 5) t
         JOIN (SELECT period_start, stage, provider, model, configuration_key, array_agg(bucket ORDER BY bucket) AS latency_buckets,
                      array_agg(n ORDER BY bucket) AS latency_counts, array_agg(s ORDER BY bucket) AS latency_successes
                 FROM daily_buckets GROUP BY 1, 2, 3, 4, 5) h USING (period_start, stage, provider, model, configuration_key)
     )
     INSERT INTO usage_rollup_daily AS r (${COLUMNS}) SELECT ${COLUMNS} FROM daily_rows ${MERGE('r')}`,
    [taken.firstIds, taken.lastIds, recomputed, [...new Set(recomputed.map((hour) => `${hour.slice(0, 10)}T00:00:00.000Z`))]],
  );
}

/**
 * Recomputes hours from the ledger, leaving out rows still pending (they are added when their range
 * is taken). Ranges never overlap, so the one range that could hold a row is the last starting at or
 * before its id.
 */
async function recomputeHours(client: PoolClient, hours: string[]): Promise<void> {
  await client.query('DELETE FROM usage_rollup_hourly WHERE period_start = ANY ($1::timestamptz[])', [hours]);
  await client.query(
    `WITH ${rollupRowsOf(`unnest($1::timestamptz[]) AS h(hour)
                          JOIN model_usage u ON u.created_at >= h.hour AND u.created_at < h.hour + interval '1 hour'
                         WHERE coalesce((SELECT p.last_id FROM usage_rollup_pending p WHERE p.first_id <= u.id
                                          ORDER BY p.first_id DESC LIMIT 1), 0) < u.id`)}
     INSERT INTO usage_rollup_hourly (${COLUMNS}) SELECT ${COLUMNS} FROM rollup_rows`,
    [hours],
  );
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
