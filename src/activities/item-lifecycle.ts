import { ApplicationFailure } from '@temporalio/activity';
import { recordFinishedRun } from '../db/configuration-usage.ts';
import { inTransaction, toNumber, type Pool, type PoolClient } from '../db/pool.ts';
import { setItemStatus } from '../db/queue-items.ts';
import { scoreAccuracy, valuesMatch } from '../domain/accuracy.ts';
import type { ExtractionSchema } from '../domain/extraction-schema.ts';
import type { ExtractedFields } from '../providers/stage-prompts.ts';
import type { FinaliseResult, ParseResult } from '../workflows/extraction-types.ts';
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
      const tooLargeFor = input.models.filter((id) => {
        const model = deps.catalog.get(id);
        return !model || estimatedTokens + PROMPT_OVERHEAD_TOKENS > model.context_window;
      });
      const parsed = { characters: row.characters, estimatedTokens, tooLargeFor };
      await storeOutput(deps.pool, input.queueItemId, 'parse', 0, null, parsed);
      return parsed;
    },

    /**
     * Writes the final result from the orchestrator's last review, scores it when the item is
     * labelled, and records the run for its configuration — all in one transaction, and keyed by
     * run id, so a retried finalise changes nothing.
     */
    async finalise(input: { queueItemId: string; configurationId: string; durationMs: number }): Promise<FinaliseResult> {
      const runId = runIdOf();
      return inTransaction(deps.pool, async (client) => {
        const itemResult = await client.query<{ extraction_schema: ExtractionSchema; expected: Record<string, unknown> | null }>(
          `UPDATE ai_extraction_queue SET current_stage = 'finalise', updated_at = now() WHERE id = $1
           RETURNING extraction_schema, expected`,
          [input.queueItemId],
        );
        const item = itemResult.rows[0];
        if (!item) throw ApplicationFailure.nonRetryable(`queue item ${input.queueItemId} no longer exists`, 'ItemMissing');
        const schema = item.extraction_schema;

        const [classified, extractions, validations, reviews] = await Promise.all([
          readOutputs<{ document_type: string; confidence: number }>(client, input.queueItemId, runId, 'classify'),
          readOutputs<StoredExtraction>(client, input.queueItemId, runId, 'extract'),
          readOutputs<StoredValidation>(client, input.queueItemId, runId, 'validate'),
          readOutputs<{ fields: ExtractedFields; disputed: string[] }>(client, input.queueItemId, runId, 'review'),
        ]);
        const review = reviews.at(-1);
        if (!review) throw ApplicationFailure.nonRetryable('the run has no orchestrator review to finalise', 'MissingStageOutput');

        const fields = Object.fromEntries(
          schema.fields.map((field) => {
            const chosen = review.fields[field.name] ?? { value: null, confidence: 0 };
            // The value is credited to the latest extraction that proposed it; a value no
            // candidate proposed is the orchestrator's own.
            const source = [...extractions]
              .reverse()
              .find((extraction) => extraction.fields[field.name] && valuesMatch(field, extraction.fields[field.name]!.value, chosen.value));
            const verdict = source && validations.find((validation) => validation.step === source.step)?.verdicts[field.name];
            return [
              field.name,
              { value: chosen.value, confidence: chosen.confidence, model: source?.model ?? review.model, validated: verdict?.valid ?? false },
            ];
          }),
        );
        const values = Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, field.value]));
        const score = scoreAccuracy(schema, item.expected, values);
        const resultJson = {
          document_type: classified.at(-1)?.document_type ?? null,
          document_type_confidence: classified.at(-1)?.confidence ?? null,
          fields,
          disputed: review.disputed,
          ...(score.accuracy === null ? {} : { scoring: score.fields }),
          simulated: deps.simulated,
        };
        const costUsd = await runCost(client, input.queueItemId, runId);

        await client.query(
          `UPDATE ai_extraction_queue SET status = 'completed', result = $2, accuracy = $3, error = NULL,
                  finished_at = now(), updated_at = now()
            WHERE id = $1`,
          [input.queueItemId, JSON.stringify(resultJson), score.accuracy],
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
        return { status: 'completed', accuracy: score.accuracy, costUsd };
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
