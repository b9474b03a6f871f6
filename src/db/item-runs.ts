import { z } from 'zod';
import { DEFAULT_DOCUMENT_INPUT, DEFAULT_REASONING, DocumentInputSchema, ReasoningLevelSchema, type RunConfig } from '../contract/model-config.ts';
import type { ModelStage } from '../contract/stages.ts';
import { DataSchema } from '../contract/queue.ts';
import { CanonicalSchemaFromStored } from '../contract/schema/schema-input.ts';
import type { Pool, PoolClient } from './pool.ts';
import type { QueueItemRow } from './queue-items.ts';
import { nullableNumeric, parseFirst } from './rows.ts';

/*
 * An item's run, as the item's row records it: claimed for a run, marked by each stage, given its
 * result, and handed back unchanged when the run could not start.
 */

/** Moves the item to `queued` for a new run with `config`, clearing what the last run left. Call it with the row locked. */
export async function claimForRun(client: PoolClient, itemId: string, run: { config: RunConfig; configurationId: string; workflowId: string }): Promise<void> {
  await client.query(
    `UPDATE ai_extraction_queue
        SET status = 'queued', model_config = $2, configuration_id = $3, workflow_id = $4, run_id = NULL,
            current_stage = NULL, result = NULL, accuracy = NULL, error = NULL, simulated = NULL,
            started_at = now(), finished_at = NULL, updated_at = now()
      WHERE id = $1`,
    [itemId, JSON.stringify(run.config), run.configurationId, run.workflowId],
  );
}

export async function recordRunId(pool: Pool, itemId: string, workflowId: string, runId: string): Promise<void> {
  await pool.query('UPDATE ai_extraction_queue SET run_id = $2 WHERE id = $1 AND workflow_id = $3', [itemId, runId, workflowId]);
}

/** Gives a claimed item back the state it had before `claimForRun`, unless a run has since moved it on. */
export async function restoreClaimedItem(pool: Pool, previous: QueueItemRow): Promise<void> {
  await pool.query(
    `UPDATE ai_extraction_queue
        SET status = $2, model_config = $3, configuration_id = $4, workflow_id = $5, run_id = $6, current_stage = $7,
            result = $8, accuracy = $9, error = $10, simulated = $11, started_at = $12, finished_at = $13, updated_at = now()
      WHERE id = $1 AND status = 'queued'`,
    [
      previous.id,
      previous.status,
      previous.model_config === null ? null : JSON.stringify(previous.model_config),
      previous.configuration_id,
      previous.workflow_id,
      previous.run_id,
      previous.current_stage,
      previous.result === null || previous.result === undefined ? null : JSON.stringify(previous.result),
      previous.accuracy,
      previous.error,
      previous.simulated,
      previous.started_at,
      previous.finished_at,
    ],
  );
}

/** Marks the item running under this run (the parse stage); the document's length, or undefined when the item is gone. */
export async function startRun(pool: Pool, itemId: string, run: { runId: string; workflowId: string; simulated: boolean }): Promise<{ characters: number } | undefined> {
  const result = await pool.query(
    `UPDATE ai_extraction_queue
        SET status = 'running', current_stage = 'parse', run_id = $2, workflow_id = $3, simulated = $4, updated_at = now()
      WHERE id = $1
      RETURNING length(document_text) AS characters`,
    [itemId, run.runId, run.workflowId, run.simulated],
  );
  return parseFirst(z.object({ characters: z.number() }), result.rows, 'startRun');
}

const ItemForStageSchema = z
  .object({
    document_text: z.string(),
    extraction_schema: CanonicalSchemaFromStored,
    configuration_id: z.string().nullable(),
    orchestrator_prompt: z.string().nullable(),
    // A level this code does not know (a configuration saved by a newer version) reasons at the default.
    reasoning: ReasoningLevelSchema.nullable().catch(null),
    document_id: z.string().nullable(),
    document_input: DocumentInputSchema.nullable().catch(null),
  })
  .transform((row) => ({
    text: row.document_text,
    schema: row.extraction_schema,
    configurationId: row.configuration_id,
    orchestratorPrompt: row.orchestrator_prompt ?? '',
    /** The stage's reasoning level from the run's configuration. */
    reasoning: row.reasoning ?? DEFAULT_REASONING,
    /** The stored upload; null for an item queued before uploads were kept. */
    documentId: row.document_id,
    /** How the run's configuration sends the document to models. */
    documentInput: row.document_input ?? DEFAULT_DOCUMENT_INPUT,
  }));
export type ItemForStage = z.infer<typeof ItemForStageSchema>;

/** Marks `stage` as the item's current one and reads what the stage needs; undefined when the item is gone. */
export async function beginStage(pool: Pool, itemId: string, stage: ModelStage): Promise<ItemForStage | undefined> {
  const result = await pool.query(
    `UPDATE ai_extraction_queue SET current_stage = $2, status = 'running', updated_at = now()
      WHERE id = $1
      RETURNING document_text, extraction_schema, configuration_id, model_config->>'orchestrator_prompt' AS orchestrator_prompt,
                model_config->'reasoning'->>$2 AS reasoning, document_id, model_config->>'document_input' AS document_input`,
    [itemId, stage],
  );
  return parseFirst(ItemForStageSchema, result.rows, 'beginStage');
}

/** The item's schema and ground truth, for composing and scoring its result; undefined when the item is gone. */
export async function itemTruth(client: Pool | PoolClient, itemId: string) {
  const result = await client.query('SELECT extraction_schema, expected FROM ai_extraction_queue WHERE id = $1', [itemId]);
  return parseFirst(z.object({ extraction_schema: CanonicalSchemaFromStored, expected: DataSchema.nullable() }), result.rows, 'itemTruth');
}

/** The result the review screen shows while the run waits for a person. */
export async function storeResult(pool: Pool, itemId: string, result: unknown): Promise<void> {
  await pool.query('UPDATE ai_extraction_queue SET result = $2, updated_at = now() WHERE id = $1', [itemId, JSON.stringify(result)]);
}

export async function markFinalising(client: PoolClient, itemId: string): Promise<void> {
  await client.query(`UPDATE ai_extraction_queue SET current_stage = 'finalise', updated_at = now() WHERE id = $1`, [itemId]);
}

/** The run's ending: its result, its score and the ground truth it was scored against. */
export async function completeItem(
  client: PoolClient,
  itemId: string,
  outcome: { result: unknown; accuracy: number | null; expected: Record<string, unknown> | null },
): Promise<void> {
  await client.query(
    `UPDATE ai_extraction_queue SET status = 'completed', result = $2, accuracy = $3, expected = $4, error = NULL,
            finished_at = now(), updated_at = now()
      WHERE id = $1`,
    [itemId, JSON.stringify(outcome.result), outcome.accuracy, outcome.expected === null ? null : JSON.stringify(outcome.expected)],
  );
}

/** What a run of the item has cost so far, from the ledger. */
export async function runCost(client: Pool | PoolClient, itemId: string, runId: string): Promise<number> {
  const result = await client.query('SELECT sum(cost_usd) AS cost FROM model_usage WHERE queue_item_id = $1 AND run_id = $2', [itemId, runId]);
  return parseFirst(z.object({ cost: nullableNumeric }), result.rows, 'runCost')?.cost ?? 0;
}
