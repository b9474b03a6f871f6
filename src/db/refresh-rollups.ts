import { refreshConfigurationRollups } from './configuration-rollup-refresh.ts';
import type { Pool } from './pool.ts';
import type { RefreshOptions, RefreshOutcome } from './rollup-refresh.ts';
import { refreshUsageRollups } from './usage-rollup-refresh.ts';

/**
 * One roll-up pass over everything analytics read: the configuration runs' roll-up, then the usage
 * ledger's, sharing `maxMs`. Runs first: there are several calls to a run, so after a bulk load they
 * catch up in a fraction of the time, and the ledger's longer catch-up does not hold them back.
 * `ran` is false only when another refresh held both; `caughtUp` only when both are.
 */
export async function refreshRollups(pool: Pool, options: RefreshOptions = {}): Promise<RefreshOutcome> {
  const deadline = performance.now() + (options.maxMs ?? 60_000);
  const runs = await refreshConfigurationRollups(pool, options);
  const ledger = await refreshUsageRollups(pool, { ...options, maxMs: Math.max(1, deadline - performance.now()) });
  return {
    ran: ledger.ran || runs.ran,
    steps: ledger.steps + runs.steps,
    ids: ledger.ids + runs.ids,
    hours: ledger.hours + runs.hours,
    caughtUp: ledger.caughtUp && runs.caughtUp,
  };
}

/** What is not rolled up yet, of the ledger and of the configuration runs: ids in pending ranges and dirty hours. */
export async function rollupBacklog(pool: Pool): Promise<{ ledgerIds: number; ledgerDirtyHours: number; runIds: number; runDirtyHours: number }> {
  const result = await pool.query<{ ledger_ids: string; ledger_hours: string; run_ids: string; run_hours: string }>(
    `SELECT (SELECT coalesce(sum(last_id - first_id + 1), 0) FROM usage_rollup_pending) AS ledger_ids,
            (SELECT count(DISTINCT hour) FROM usage_rollup_dirty) AS ledger_hours,
            (SELECT coalesce(sum(last_id - first_id + 1), 0) FROM configuration_rollup_pending) AS run_ids,
            (SELECT count(DISTINCT hour) FROM configuration_rollup_dirty) AS run_hours`,
  );
  const row = result.rows[0]!;
  return { ledgerIds: Number(row.ledger_ids), ledgerDirtyHours: Number(row.ledger_hours), runIds: Number(row.run_ids), runDirtyHours: Number(row.run_hours) };
}
