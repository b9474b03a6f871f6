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
 * model that served every stage and that stage's cost and latency, as recorded when the run finished
 * (`configuration_runs.stages`; computed from the ledger for a run recorded before that column).
 */
export async function labelledStageRuns(pool: Pool, since: Date, limit: number): Promise<StageRun[]> {
  const result = await pool.query<{ run_id: string; accuracy: string; document_key: string; stages: Record<string, { model: string; cost_usd: number; latency_ms: number }> }>(
    `SELECT r.run_id, r.accuracy, q.document_key, coalesce(r.stages, run_stage_facts(r.run_id)) AS stages
       FROM configuration_runs r JOIN ai_extraction_queue q ON q.id = r.queue_item_id
      WHERE r.status = 'completed' AND r.accuracy IS NOT NULL AND r.finished_at >= $1
      ORDER BY r.finished_at DESC
      LIMIT $2`,
    [since.toISOString(), limit],
  );
  return result.rows.map((row) => ({
    runId: row.run_id,
    accuracy: toNumber(row.accuracy)!,
    documentKey: row.document_key,
    stages: Object.fromEntries(
      Object.entries(row.stages).map(([stage, facts]) => [stage, { model: facts.model, costUsd: Number(facts.cost_usd), latencyMs: Number(facts.latency_ms) }]),
    ),
  }));
}
