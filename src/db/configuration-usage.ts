import type { Pool, PoolClient } from './pool.ts';

export interface FinishedRun {
  runId: string;
  configurationId: string;
  queueItemId: string;
  status: 'completed' | 'failed';
  accuracy: number | null;
  costUsd: number;
  durationMs: number;
}

/**
 * Records a finished run once (its run id is the key, so a retried finalise adds nothing), with
 * the facts of its stages from the ledger (for cost recommendations), and
 * recomputes its configuration's roll-up from all of the configuration's runs. The advisory lock
 * serialises recomputations of one configuration, so the last writer has always seen every run that
 * committed before it: the roll-up cannot fall behind its facts, and there is no counter to drift.
 */
export async function recordFinishedRun(client: PoolClient, run: FinishedRun): Promise<void> {
  await client.query(
    `INSERT INTO configuration_runs (run_id, configuration_id, queue_item_id, status, accuracy, cost_usd, duration_ms,
                                     stage_models, stage_costs_usd, stage_latencies_ms)
     SELECT $1, $2, $3, $4, $5, $6, $7, f.models, f.costs_usd, f.latencies_ms FROM run_stage_facts($1) f
     ON CONFLICT (run_id) DO NOTHING`,
    [run.runId, run.configurationId, run.queueItemId, run.status, run.accuracy, run.costUsd, Math.round(run.durationMs)],
  );
  await refreshConfigurationUsage(client, run.configurationId);
}

/**
 * Recomputes a configuration's roll-up from its runs, under the configuration's advisory lock (held
 * to the end of the caller's transaction): `refresh_configuration_usage` in
 * migrations/1764111000000_configuration-usage-refresh.sql, one round trip.
 */
export async function refreshConfigurationUsage(client: Pool | PoolClient, configurationId: string): Promise<void> {
  await client.query('SELECT refresh_configuration_usage($1)', [configurationId]);
}
