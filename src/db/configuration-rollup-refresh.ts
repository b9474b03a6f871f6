import type { Pool, PoolClient } from './pool.ts';
import { notPending, runRefresh, takeDirtyHours, takePending, type RefreshOptions, type RefreshOutcome, type RefreshStep, type TakenRanges } from './rollup-refresh.ts';

/*
 * Keeps the hourly roll-up of configuration_runs (migrations/1764102000000_configuration-run-rollups.sql)
 * current, in the way src/db/rollup-refresh.ts describes: each step adds the runs of the pending
 * ranges it takes, and recomputes every hour marked dirty (a run rescored by a review, or deleted).
 */

/** Rolls up the pending runs and recomputes dirty hours, a chunk per transaction (see runRefresh). */
export async function refreshConfigurationRollups(pool: Pool, options: RefreshOptions = {}): Promise<RefreshOutcome> {
  // Vacuumed too: recommendations read the newest labelled runs by an index-only scan, which needs the visibility map.
  return runRefresh(
    pool,
    { lock: 'configuration_rollups:refresh', pendingTable: 'configuration_rollup_pending', afterBulkLoad: 'VACUUM (ANALYZE) configuration_runs', step: refreshStep },
    options,
  );
}

async function refreshStep(client: PoolClient, chunkIds: number): Promise<RefreshStep> {
  const hours = await takeDirtyHours(client, 'configuration_rollup_dirty');
  const taken = await takePending(client, 'configuration_rollup_pending', chunkIds);
  if (hours.length > 0) await recomputeHours(client, hours);
  if (taken.firstIds.length > 0) await addRuns(client, taken, hours);
  return { ids: taken.ids, hours: hours.length };
}

/** The hourly roll-up rows of some runs `r` (a FROM clause naming them). */
const rollupRowsOf = (runs: string) => `
  SELECT date_trunc('hour', r.finished_at, 'UTC') AS period_start, r.configuration_id, count(*) AS runs,
         count(*) FILTER (WHERE r.status = 'completed') AS completed, count(r.accuracy) AS labelled,
         coalesce(sum(r.accuracy), 0) AS accuracy_sum, sum(r.cost_usd) AS cost_usd, sum(r.duration_ms) AS duration_sum_ms,
         min(r.finished_at) AS first_finished_at, max(r.finished_at) AS last_finished_at
    FROM ${runs}
   GROUP BY 1, 2`;

/** Adds the taken ranges' runs, except those in hours this step recomputed (already counted there). */
async function addRuns(client: PoolClient, taken: TakenRanges, recomputed: string[]): Promise<void> {
  await client.query(
    `INSERT INTO configuration_rollup_hourly AS h
     ${rollupRowsOf(`unnest($1::bigint[], $2::bigint[]) AS t(first_id, last_id)
                     CROSS JOIN LATERAL (SELECT * FROM configuration_runs r WHERE r.id BETWEEN t.first_id AND t.last_id OFFSET 0) r
                    WHERE date_trunc('hour', r.finished_at, 'UTC') <> ALL ($3::timestamptz[])`)}
     ON CONFLICT (period_start, configuration_id) DO UPDATE SET
       runs = h.runs + EXCLUDED.runs, completed = h.completed + EXCLUDED.completed, labelled = h.labelled + EXCLUDED.labelled,
       accuracy_sum = h.accuracy_sum + EXCLUDED.accuracy_sum, cost_usd = h.cost_usd + EXCLUDED.cost_usd,
       duration_sum_ms = h.duration_sum_ms + EXCLUDED.duration_sum_ms,
       first_finished_at = least(h.first_finished_at, EXCLUDED.first_finished_at),
       last_finished_at = greatest(h.last_finished_at, EXCLUDED.last_finished_at)`,
    [taken.firstIds, taken.lastIds, recomputed],
  );
}

/** Recomputes hours from configuration_runs, leaving out runs still pending (added when their range is taken). */
async function recomputeHours(client: PoolClient, hours: string[]): Promise<void> {
  await client.query('DELETE FROM configuration_rollup_hourly WHERE period_start = ANY ($1::timestamptz[])', [hours]);
  await client.query(
    `INSERT INTO configuration_rollup_hourly
     ${rollupRowsOf(`unnest($1::timestamptz[]) AS hours(hour)
                     JOIN configuration_runs r ON r.finished_at >= hours.hour AND r.finished_at < hours.hour + interval '1 hour'
                    WHERE ${notPending('configuration_rollup_pending', 'r')}`)}`,
    [hours],
  );
}
