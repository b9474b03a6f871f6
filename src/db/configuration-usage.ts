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

export async function refreshConfigurationUsage(client: Pool | PoolClient, configurationId: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7))', [`configuration_usage:${configurationId}`]);
  await client.query(
    `INSERT INTO configuration_usage (configuration_id, times_used, labelled_runs, avg_accuracy, avg_cost_usd,
        avg_duration_ms, success_rate, total_cost_usd, updated_at)
     SELECT $1, count(*), count(accuracy), avg(accuracy), avg(cost_usd), avg(duration_ms),
            avg((status = 'completed')::int), sum(cost_usd), now()
       FROM configuration_runs WHERE configuration_id = $1
     HAVING count(*) > 0
     ON CONFLICT (configuration_id) DO UPDATE SET
       times_used = EXCLUDED.times_used, labelled_runs = EXCLUDED.labelled_runs, avg_accuracy = EXCLUDED.avg_accuracy,
       avg_cost_usd = EXCLUDED.avg_cost_usd, avg_duration_ms = EXCLUDED.avg_duration_ms,
       success_rate = EXCLUDED.success_rate, total_cost_usd = EXCLUDED.total_cost_usd, updated_at = now()`,
    [configurationId],
  );
}
