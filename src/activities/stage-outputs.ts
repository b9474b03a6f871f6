import { Context } from '@temporalio/activity';
import type { Pool, PoolClient } from '../db/pool.ts';
import type { ExtractedFields, FieldVerdicts } from '../pipeline/stage-prompts.ts';

/*
 * What each stage of a run produced lives in stage_outputs, keyed by item, run, stage and step: later
 * stages read it by id instead of receiving it through the workflow's history.
 */

/** The workflow execution this activity runs for; Quarry's activities always run inside one. */
export function executionOf(): { workflowId: string; runId: string } {
  const execution = Context.current().info.workflowExecution;
  if (!execution) throw new Error('this activity must run inside a workflow');
  return execution;
}

export function runIdOf(): string {
  return executionOf().runId;
}

/** Keeps a stage's output by (item, run, stage, step); a retried attempt replaces its predecessor's. */
export async function storeOutput(pool: Pool | PoolClient, queueItemId: string, stage: string, step: number, model: string | null, output: unknown) {
  await pool.query(
    `INSERT INTO stage_outputs (queue_item_id, run_id, stage, step, model, output) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (queue_item_id, run_id, stage, step) DO UPDATE SET model = EXCLUDED.model, output = EXCLUDED.output, created_at = now()`,
    [queueItemId, runIdOf(), stage, step, model, JSON.stringify(output)],
  );
}

export interface StoredExtraction {
  step: number;
  model: string;
  fields: ExtractedFields;
}
export interface StoredValidation {
  step: number;
  model: string;
  verdicts: FieldVerdicts;
}

export async function readOutputs<T>(pool: Pool | PoolClient, queueItemId: string, runId: string, stage: string): Promise<Array<T & { step: number; model: string }>> {
  const result = await pool.query<{ step: number; model: string; output: T }>(
    'SELECT step, model, output FROM stage_outputs WHERE queue_item_id = $1 AND run_id = $2 AND stage = $3 ORDER BY step',
    [queueItemId, runId, stage],
  );
  return result.rows.map((row) => ({ ...row.output, step: row.step, model: row.model }));
}

