import type { Pool } from './pool.ts';
import { toNumber } from './pool.ts';

export interface StageRun {
  runId: string;
  accuracy: number;
  /** The same document, schema and ground truth give the same key: runs on it can be paired. */
  documentKey: string;
  /** Per stage: the model that answered it first (its primary round), what the stage cost and took. */
  stages: Record<string, { model: string; costUsd: number; latencyMs: number }>;
}

/**
 * The labelled, completed runs finished since `since` (newest first, at most `limit`), each with the
 * model that served every stage and that stage's cost and latency from the ledger.
 */
export async function labelledStageRuns(pool: Pool, since: Date, limit: number): Promise<StageRun[]> {
  const result = await pool.query<{ run_id: string; accuracy: string; document_key: string; stage: string; model: string | null; cost_usd: string; latency_ms: string }>(
    `WITH runs AS (
       SELECT r.run_id, r.accuracy, md5(q.document_text || q.extraction_schema::text || coalesce(q.expected::text, '')) AS document_key
         FROM configuration_runs r JOIN ai_extraction_queue q ON q.id = r.queue_item_id
        WHERE r.status = 'completed' AND r.accuracy IS NOT NULL AND r.finished_at >= $1
        ORDER BY r.finished_at DESC
        LIMIT $2
     )
     SELECT runs.run_id, runs.accuracy, runs.document_key, u.stage,
            (array_agg(u.model ORDER BY u.id) FILTER (WHERE u.success))[1] AS model,
            sum(u.cost_usd) AS cost_usd, sum(u.response_time_ms) AS latency_ms
       FROM runs JOIN model_usage u ON u.run_id = runs.run_id
      GROUP BY runs.run_id, runs.accuracy, runs.document_key, u.stage`,
    [since.toISOString(), limit],
  );
  const runs = new Map<string, StageRun>();
  for (const row of result.rows) {
    const run = runs.get(row.run_id) ?? { runId: row.run_id, accuracy: toNumber(row.accuracy)!, documentKey: row.document_key, stages: {} };
    if (row.model) run.stages[row.stage] = { model: row.model, costUsd: toNumber(row.cost_usd) ?? 0, latencyMs: toNumber(row.latency_ms) ?? 0 };
    runs.set(row.run_id, run);
  }
  return [...runs.values()];
}
