import { ApplicationFailure } from '@temporalio/activity';
import { recordFinishedRun } from '../db/configuration-usage.ts';
import { inTransaction, toNumber, type Pool, type PoolClient } from '../db/pool.ts';
import { setItemStatus } from '../db/queue-items.ts';
import { scoreAccuracy, valuesMatch } from '../domain/accuracy.ts';
import type { ExtractionSchema } from '../domain/extraction-schema.ts';
import type { ExtractedFields } from '../pipeline/stage-prompts.ts';
import type { FieldValue } from '../domain/extraction-schema.ts';
import type { FinaliseResult, ParseResult, PipelineStage, PreparedResult, ReusedStages, ReviewDecision } from '../workflows/extraction-types.ts';
import { fitsContext } from '../providers/reasoning.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { executionOf, readOutputs, runIdOf, storeOutput, type StoredExtraction, type StoredValidation } from './stage-outputs.ts';

/** Characters per token for estimates before a call; providers count exactly afterwards. */
const CHARS_PER_TOKEN = 4;
/** Room for the instructions, the schema and the answer beside the document. */
const PROMPT_OVERHEAD_TOKENS = 4000;

async function runCost(client: Pool | PoolClient, queueItemId: string, runId: string): Promise<number> {
  const result = await client.query<{ cost: string | null }>(
    'SELECT sum(cost_usd) AS cost FROM model_usage WHERE queue_item_id = $1 AND run_id = $2',
    [queueItemId, runId],
  );
  return toNumber(result.rows[0]?.cost) ?? 0;
}

/** The stages that need no model: parse opens the run, finalise closes it, the others record an ending. */
export function createItemLifecycle(deps: ActivityDependencies) {
  return {
    /**
     * Marks the item running under this run and checks which configured models the document fits:
     * those it does not fit are dropped from their chains by the workflow, without a wasted call.
     */
    async parse(input: { queueItemId: string; models: string[] }): Promise<ParseResult> {
      const { workflowId, runId } = executionOf();
      const result = await deps.pool.query<{ characters: number }>(
        `UPDATE ai_extraction_queue
            SET status = 'running', current_stage = 'parse', run_id = $2, workflow_id = $3, simulated = $4, updated_at = now()
          WHERE id = $1
          RETURNING length(document_text) AS characters`,
        [input.queueItemId, runId, workflowId, deps.simulated],
      );
      const row = result.rows[0];
      if (!row) throw ApplicationFailure.nonRetryable(`queue item ${input.queueItemId} no longer exists`, 'ItemMissing');
      const estimatedTokens = Math.ceil(row.characters / CHARS_PER_TOKEN);
      // A model no longer offered stays in its chain: its stage fails it with the reason (retired, and the successor).
      const tooLargeFor = input.models.filter((id) => {
        const model = deps.catalog.get(id);
        return model !== undefined && !fitsContext(model, estimatedTokens + PROMPT_OVERHEAD_TOKENS);
      });
      const parsed = { characters: row.characters, estimatedTokens, tooLargeFor };
      await storeOutput(deps.pool, input.queueItemId, 'parse', 0, null, parsed);
      return parsed;
    },

    /**
     * Copies the outputs of an earlier run's stages into this run, so that the stages after them
     * read them as their own and the ledger shows no new call for them. A stage without a stored
     * output in that run cannot be reused: the retry must start earlier.
     */
    async reuseStageOutputs(input: { queueItemId: string; fromRunId: string; stages: PipelineStage[] }): Promise<ReusedStages> {
      const runId = runIdOf();
      return inTransaction(deps.pool, async (client) => {
        const reused: ReusedStages = {};
        for (const stage of input.stages) {
          if (stage !== 'classify' && stage !== 'extract' && stage !== 'validate' && stage !== 'review') continue;
          const copied = await client.query<{ model: string; output: { disputed?: string[] } }>(
            `INSERT INTO stage_outputs (queue_item_id, run_id, stage, step, model, output)
             SELECT queue_item_id, $3, stage, step, model, output FROM stage_outputs
              WHERE queue_item_id = $1 AND run_id = $2 AND stage = $4 AND step = 0
             ON CONFLICT (queue_item_id, run_id, stage, step) DO UPDATE SET model = EXCLUDED.model, output = EXCLUDED.output
             RETURNING model, output`,
            [input.queueItemId, input.fromRunId, runId, stage],
          );
          const row = copied.rows[0];
          if (!row) {
            throw ApplicationFailure.nonRetryable(`run ${input.fromRunId} has no ${stage} output to reuse; resume from an earlier stage`, 'NothingToReuse');
          }
          if (stage === 'review') reused.review = { model: row.model, disputed: row.output.disputed ?? [] };
          else reused[stage] = { model: row.model };
        }
        return reused;
      });
    },

    /**
     * Composes the result and says whether a person should look at it: a final field the validator
     * rejected, or one below the confidence threshold. The composed result is stored on the item so
     * that the review screen shows what the reviewer decides on.
     */
    async prepareResult(input: { queueItemId: string; confidenceThreshold: number }): Promise<PreparedResult> {
      const composed = await composeResult(deps.pool, input.queueItemId, runIdOf(), deps.simulated);
      const reasons = Object.entries(composed.result.fields).flatMap(([name, field]) => [
        ...(field.validated ? [] : [`${name}: not validated`]),
        ...(field.confidence < input.confidenceThreshold ? [`${name}: confidence ${field.confidence.toFixed(2)} < ${input.confidenceThreshold}`] : []),
      ]);
      await deps.pool.query('UPDATE ai_extraction_queue SET result = $2, updated_at = now() WHERE id = $1', [
        input.queueItemId,
        JSON.stringify({ ...composed.result, review_reasons: reasons }),
      ]);
      return { fields: Object.keys(composed.result.fields), needsReview: reasons.length > 0, reasons };
    },

    async markNeedsReview(input: { queueItemId: string; reasons: string[] }): Promise<void> {
      await setItemStatus(deps.pool, input.queueItemId, 'needs_review', { currentStage: 'human_review' });
    },

    /**
     * Writes the final result from the orchestrator's last review (with a reviewer's corrections,
     * which become the item's ground truth), scores it when the item is labelled, and records the
     * run for its configuration — all in one transaction, and keyed by run id, so a retried
     * finalise changes nothing.
     */
    async finalise(input: { queueItemId: string; configurationId: string; durationMs: number; review?: ReviewDecision }): Promise<FinaliseResult> {
      const runId = runIdOf();
      return inTransaction(deps.pool, async (client) => {
        await client.query(`UPDATE ai_extraction_queue SET current_stage = 'finalise', updated_at = now() WHERE id = $1`, [input.queueItemId]);
        const { result, schema, expected } = await composeResult(client, input.queueItemId, runId, deps.simulated);
        const modelValues = Object.fromEntries(Object.entries(result.fields).map(([name, field]) => [name, field.value]));

        // A reviewer's decision is ground truth: the values they corrected, and the values they
        // accepted as they were. The model's own values are what is scored against it.
        let groundTruth = expected;
        if (input.review) {
          groundTruth = { ...modelValues, ...input.review.corrections };
          for (const [name, value] of Object.entries(input.review.corrections)) {
            const field = result.fields[name];
            if (field) result.fields[name] = { ...field, value, model_value: field.value, corrected_by: input.review.reviewer };
          }
        }
        const score = scoreAccuracy(schema, groundTruth, modelValues);
        const costUsd = await runCost(client, input.queueItemId, runId);
        const resultJson = {
          ...result,
          ...(score.accuracy === null ? {} : { scoring: score.fields }),
          ...(input.review ? { reviewed_by: input.review.reviewer } : {}),
        };

        await client.query(
          `UPDATE ai_extraction_queue SET status = 'completed', result = $2, accuracy = $3, expected = $4, error = NULL,
                  finished_at = now(), updated_at = now()
            WHERE id = $1`,
          [input.queueItemId, JSON.stringify(resultJson), score.accuracy, groundTruth === null ? null : JSON.stringify(groundTruth)],
        );
        await storeOutput(client, input.queueItemId, 'finalise', 0, null, { accuracy: score.accuracy, cost_usd: costUsd });
        await recordFinishedRun(client, {
          runId,
          configurationId: input.configurationId,
          queueItemId: input.queueItemId,
          status: 'completed',
          accuracy: score.accuracy,
          costUsd,
          durationMs: input.durationMs,
        });
        return { status: 'completed', accuracy: score.accuracy, costUsd, reviewedBy: input.review?.reviewer ?? null };
      });
    },

    /** The item's run failed for good: say why on the item, and count the failure for its configuration. */
    async markFailed(input: { queueItemId: string; configurationId: string; error: string; durationMs: number }): Promise<void> {
      const runId = runIdOf();
      await inTransaction(deps.pool, async (client) => {
        await setItemStatus(client, input.queueItemId, 'failed', { error: input.error.slice(0, 4000) });
        await recordFinishedRun(client, {
          runId,
          configurationId: input.configurationId,
          queueItemId: input.queueItemId,
          status: 'failed',
          accuracy: null,
          costUsd: await runCost(client, input.queueItemId, runId),
          durationMs: input.durationMs,
        });
      });
    },

    async markCancelled(input: { queueItemId: string }): Promise<void> {
      await setItemStatus(deps.pool, input.queueItemId, 'cancelled', { error: 'cancelled on request' });
    },
  };
}

export interface ComposedField {
  value: FieldValue;
  confidence: number;
  model: string;
  validated: boolean;
  model_value?: FieldValue;
  corrected_by?: string;
}

/**
 * The item's result from this run's stage outputs: per field the orchestrator's final value,
 * credited to the latest extraction that proposed it (or to the orchestrator, when none did), and
 * whether that extraction's validator accepted it.
 */
async function composeResult(client: Pool | PoolClient, queueItemId: string, runId: string, simulated: boolean) {
  const itemResult = await client.query<{ extraction_schema: ExtractionSchema; expected: Record<string, unknown> | null }>(
    'SELECT extraction_schema, expected FROM ai_extraction_queue WHERE id = $1',
    [queueItemId],
  );
  const item = itemResult.rows[0];
  if (!item) throw ApplicationFailure.nonRetryable(`queue item ${queueItemId} no longer exists`, 'ItemMissing');
  const schema = item.extraction_schema;
  // One after another: `client` may be a transaction's single connection.
  const classified = await readOutputs<{ document_type: string; confidence: number }>(client, queueItemId, runId, 'classify');
  const extractions = await readOutputs<StoredExtraction>(client, queueItemId, runId, 'extract');
  const validations = await readOutputs<StoredValidation>(client, queueItemId, runId, 'validate');
  const reviews = await readOutputs<{ fields: ExtractedFields; disputed: string[] }>(client, queueItemId, runId, 'review');
  const review = reviews.at(-1);
  if (!review) throw ApplicationFailure.nonRetryable('the run has no orchestrator review to finalise', 'MissingStageOutput');

  const fields: Record<string, ComposedField> = Object.fromEntries(
    schema.fields.map((field) => {
      const chosen = review.fields[field.name] ?? { value: null, confidence: 0 };
      const source = [...extractions]
        .reverse()
        .find((extraction) => extraction.fields[field.name] && valuesMatch(field, extraction.fields[field.name]!.value, chosen.value));
      const verdict = source && validations.find((validation) => validation.step === source.step)?.verdicts[field.name];
      return [field.name, { value: chosen.value, confidence: chosen.confidence, model: source?.model ?? review.model, validated: verdict?.valid ?? false }];
    }),
  );
  return {
    schema,
    expected: item.expected,
    result: {
      document_type: classified.at(-1)?.document_type ?? null,
      document_type_confidence: classified.at(-1)?.confidence ?? null,
      fields,
      disputed: review.disputed,
      simulated,
    },
  };
}
