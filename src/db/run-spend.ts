import type { Pool } from './pool.ts';

/** What a run of an item has spent so far, in USD, from its ledger rows (every attempt, failed ones too). */
export async function runSpendUsd(pool: Pool, queueItemId: string, runId: string): Promise<number> {
  const result = await pool.query<{ spent: string | null }>(
    'SELECT sum(cost_usd) AS spent FROM model_usage WHERE queue_item_id = $1 AND run_id = $2',
    [queueItemId, runId],
  );
  // pg returns numeric as a string.
  return Number(result.rows[0]?.spent ?? 0);
}
