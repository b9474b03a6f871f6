import { z } from 'zod';
import { DEFAULT_DOCUMENT_INPUT, DEFAULT_REASONING, DocumentInputSchema, ReasoningLevelSchema, type RunConfig } from '../contract/model-config.ts';
import type { ModelStage } from '../contract/stages.ts';
import { DataSchema } from '../contract/queue.ts';
import { CanonicalSchemaFromStored } from '../contract/schema/schema-input.ts';
import type { Pool, PoolClient } from './pool.ts';
import { ACTIVE_STATUSES } from '../contract/item-status.ts';
import { QueueItemRowSchema, type QueueItemRow } from './queue-items.ts';
import { nullableNumeric, parseFirst } from './rows.ts';
import { parseRunOutputs, runOutputsJsonSql, storeOutputSql, storeOutputValues, type RunOutputs } from './stage-outputs.ts';

/*
 * An item's run, as the item's row records it: claimed for a run, marked by each stage, given its
 * result, and handed back unchanged when the run could not start.
 */

const ClaimedRowSchema = QueueItemRowSchema.extend({ claimed: z.boolean() });

/**
 * Moves the item to `queued` for a new run with `config`, clearing what the last run left, unless a
 * run of it is active; one statement. Its row lock is taken first (`FOR UPDATE` in `previous`), so
 * concurrent claims of the same item serialise and a later one reads the claim before it (READ
 * COMMITTED re-reads a row that changed while it waited) and finds the run active. Returns the row
 * as it was, to restore if the run cannot start, and whether this call claimed it; undefined when
 * there is no such item.
 */
export async function claimForRun(
  pool: Pool,
  itemId: string,
  run: { config: RunConfig; configurationId: string; workflowId: string },
): Promise<{ previous: QueueItemRow; claimed: boolean } | undefined> {
  const result = await pool.query(
    `WITH previous AS (SELECT * FROM ai_extraction_queue WHERE id = $1 FOR UPDATE),
     claimed AS (
       UPDATE ai_extraction_queue q
          SET status = 'queued', model_config = $2, configuration_id = $3, workflow_id = $4, run_id = NULL,
              current_stage = NULL, result = NULL, accuracy = NULL, error = NULL, simulated = NULL,
              started_at = now(), finished_at = NULL, updated_at = now()
         FROM previous p
        WHERE q.id = p.id AND p.status <> ALL($5::text[])
        RETURNING q.id)
     SELECT previous.*, EXISTS (SELECT 1 FROM claimed) AS claimed FROM previous`,
    [itemId, JSON.stringify(run.config), run.configurationId, run.workflowId, ACTIVE_STATUSES],
  );
  const row = parseFirst(ClaimedRowSchema, result.rows, 'claimForRun');
  if (!row) return undefined;
  const { claimed, ...previous } = row;
  return { previous, claimed };
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

const StartedRowSchema = z.object({ characters: z.number() });

/** Marks the item running under this run (the parse stage); the document's length, or undefined when the item is gone. */
export async function startRun(pool: Pool, itemId: string, run: { runId: string; workflowId: string; simulated: boolean }): Promise<{ characters: number } | undefined> {
  const result = await pool.query(
    `UPDATE ai_extraction_queue
        SET status = 'running', current_stage = 'parse', run_id = $2, workflow_id = $3, simulated = $4, updated_at = now()
      WHERE id = $1
      RETURNING length(document_text) AS characters`,
    [itemId, run.runId, run.workflowId, run.simulated],
  );
  return parseFirst(StartedRowSchema, result.rows, 'startRun');
}

const ItemForStageSchema = z
  .object({
    document_text: z.string(),
    extraction_schema: CanonicalSchemaFromStored,
    configuration_id: z.string().nullable(),
    orchestrator_prompt: z.string().nullable(),
    // A level this code does not know (a configuration saved by a newer version) reasons at the default.
    reasoning: ReasoningLevelSchema.nullable().catch(null),
    outputs: z.unknown(),
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
    /** This run's stored outputs of the stages the caller asked to read. */
    outputs: parseRunOutputs(row.outputs, 'beginStage'),
    /** The stored upload; null for an item queued before uploads were kept. */
    documentId: row.document_id,
    /** How the run's configuration sends the document to models. */
    documentInput: row.document_input ?? DEFAULT_DOCUMENT_INPUT,
  }));
export type ItemForStage = z.infer<typeof ItemForStageSchema>;

/**
 * Marks `stage` as the item's current one and reads what the stage needs, the run's stored outputs
 * of the stages in `reads` with it, in one statement; undefined when the item is gone.
 */
export async function beginStage(pool: Pool, itemId: string, stage: ModelStage, run: { runId: string; reads: readonly ModelStage[] }): Promise<ItemForStage | undefined> {
  const result = await pool.query(
    `UPDATE ai_extraction_queue SET current_stage = $2, status = 'running', updated_at = now()
      WHERE id = $1
      RETURNING document_text, extraction_schema, configuration_id, model_config->>'orchestrator_prompt' AS orchestrator_prompt,
                model_config->'reasoning'->>$2 AS reasoning, document_id, model_config->>'document_input' AS document_input,
                ${runOutputsJsonSql('$1', '$3', '$4')} AS outputs`,
    [itemId, stage, run.runId, run.reads],
  );
  return parseFirst(ItemForStageSchema, result.rows, 'beginStage');
}

const MODEL_STAGES: readonly ModelStage[] = ['classify', 'extract', 'validate', 'review'];

const RunForResultSchema = z.object({
  extraction_schema: CanonicalSchemaFromStored,
  expected: DataSchema.nullable(),
  outputs: z.unknown(),
  cost_usd: nullableNumeric,
});

/**
 * What composing and scoring a run's result needs, in one statement: the item's schema and ground
 * truth, the run's outputs of every model stage and what the run has cost so far (from the ledger).
 * With `finalising`, the same statement marks finalise as the item's current stage. Undefined when
 * the item is gone.
 */
export async function runForResult(
  client: Pool | PoolClient,
  itemId: string,
  runId: string,
  options: { finalising: boolean },
): Promise<{ schema: z.infer<typeof CanonicalSchemaFromStored>; expected: z.infer<typeof DataSchema> | null; outputs: RunOutputs; costUsd: number } | undefined> {
  const columns = `extraction_schema, expected, ${runOutputsJsonSql('$1', '$2', '$3')} AS outputs,
                   (SELECT sum(cost_usd) FROM model_usage WHERE queue_item_id = $1 AND run_id = $2) AS cost_usd`;
  const result = await client.query(
    options.finalising
      ? `UPDATE ai_extraction_queue SET current_stage = 'finalise', updated_at = now() WHERE id = $1 RETURNING ${columns}`
      : `SELECT ${columns} FROM ai_extraction_queue WHERE id = $1`,
    [itemId, runId, MODEL_STAGES],
  );
  const row = parseFirst(RunForResultSchema, result.rows, 'runForResult');
  return row && { schema: row.extraction_schema, expected: row.expected, outputs: parseRunOutputs(row.outputs, 'runForResult'), costUsd: row.cost_usd ?? 0 };
}

/** The result the review screen shows while the run waits for a person. */
export async function storeResult(pool: Pool, itemId: string, result: unknown): Promise<void> {
  await pool.query('UPDATE ai_extraction_queue SET result = $2, updated_at = now() WHERE id = $1', [itemId, JSON.stringify(result)]);
}

/**
 * The run's ending: its result, its score and the ground truth it was scored against, and the
 * finalise stage's output of the run, in one statement.
 */
export async function completeItem(
  client: PoolClient,
  itemId: string,
  outcome: { result: unknown; accuracy: number | null; expected: Record<string, unknown> | null },
  finalised: { runId: string; output: unknown },
): Promise<void> {
  await client.query(
    `WITH completed AS (
       UPDATE ai_extraction_queue SET status = 'completed', result = $1, accuracy = $2, expected = $3, error = NULL,
              finished_at = now(), updated_at = now()
        WHERE id = $4)
     ${storeOutputSql(4)}`,
    [
      JSON.stringify(outcome.result),
      outcome.accuracy,
      outcome.expected === null ? null : JSON.stringify(outcome.expected),
      ...storeOutputValues({ queueItemId: itemId, runId: finalised.runId, stage: 'finalise', step: 0 }, null, finalised.output),
    ],
  );
}

const CostRowSchema = z.object({ cost: nullableNumeric });

/** What a run of the item has cost so far, from the ledger. */
export async function runCost(client: Pool | PoolClient, itemId: string, runId: string): Promise<number> {
  const result = await client.query('SELECT sum(cost_usd) AS cost FROM model_usage WHERE queue_item_id = $1 AND run_id = $2', [itemId, runId]);
  return parseFirst(CostRowSchema, result.rows, 'runCost')?.cost ?? 0;
}

const ItemForChunksSchema = z
  .object({
    document_text: z.string(),
    document_id: z.string().nullable(),
    extraction_schema: CanonicalSchemaFromStored,
    reasoning: ReasoningLevelSchema.nullable().catch(null),
    chunk_pages: z.number().int().positive().nullable().catch(null),
    chunk_tokens: z.number().int().positive().nullable().catch(null),
    chunk_overlap_pages: z.number().int().min(0).nullable().catch(null),
  })
  .transform((row) => ({
    text: row.document_text,
    documentId: row.document_id,
    schema: row.extraction_schema,
    reasoning: row.reasoning ?? DEFAULT_REASONING,
    /** The run configuration's chunking settings (`chunk_pages`, `chunk_tokens`, `chunk_overlap_pages`). */
    chunkPages: row.chunk_pages,
    chunkTokens: row.chunk_tokens,
    overlapPages: row.chunk_overlap_pages,
  }));

/** What planning a long document's chunks needs; undefined when the item is gone. */
export async function itemForChunks(client: Pool | PoolClient, itemId: string) {
  const result = await client.query(
    `SELECT document_text, document_id, extraction_schema, model_config->'reasoning'->>'extract' AS reasoning,
            (model_config->>'chunk_pages')::int AS chunk_pages, (model_config->>'chunk_tokens')::int AS chunk_tokens,
            (model_config->>'chunk_overlap_pages')::int AS chunk_overlap_pages
       FROM ai_extraction_queue WHERE id = $1`,
    [itemId],
  );
  return parseFirst(ItemForChunksSchema, result.rows, 'itemForChunks');
}

const ItemDocumentRowSchema = z.object({ document_id: z.string().nullable(), document_text: z.string(), review_when_not_found: z.boolean().nullable() });

/** The item's document (its stored upload, or its text) and whether a value not found sends it to review. */
export async function itemDocument(client: Pool | PoolClient, itemId: string) {
  const result = await client.query(
    `SELECT document_id, document_text, (model_config->'review'->>'review_when_not_found')::boolean AS review_when_not_found
       FROM ai_extraction_queue WHERE id = $1`,
    [itemId],
  );
  const row = parseFirst(ItemDocumentRowSchema, result.rows, 'itemDocument');
  return row && { documentId: row.document_id, text: row.document_text, reviewWhenNotFound: row.review_when_not_found ?? false };
}
