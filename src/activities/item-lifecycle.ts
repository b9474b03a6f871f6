import { ApplicationFailure } from '@temporalio/activity';
import { isModelStage, type ModelStage } from '../contract/stages.ts';
import { recordFinishedRun } from '../db/configuration-usage.ts';
import { completeItem, runCost, startRun, storeResult } from '../db/item-runs.ts';
import { inTransaction } from '../db/pool.ts';
import { setItemStatus } from '../db/queue-items.ts';
import { copyFirstPassOutput } from '../db/stage-outputs.ts';
import { scoreAccuracy } from '../domain/accuracy.ts';
import type { FinaliseResult, ParseResult, PreparedResult, ReusedStages, ReviewDecision } from '../workflows/extraction-types.ts';
import { fitsContext } from '../providers/reasoning.ts';
import { FailureType } from '../workflows/failure-types.ts';
import { composeResult } from './compose-result.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { storeRunOutput } from './stage-outputs.ts';
import { executionOf, runIdOf } from './workflow-execution.ts';

/** Characters per token for estimates before a call; providers count exactly afterwards. */
const CHARS_PER_TOKEN = 4;
/** Room for the instructions, the schema and the answer beside the document. */
const PROMPT_OVERHEAD_TOKENS = 4000;

const itemMissing = (queueItemId: string) => ApplicationFailure.nonRetryable(`queue item ${queueItemId} no longer exists`, FailureType.ItemMissing);

/** The stages that need no model: parse opens the run, finalise closes it, the others record an ending. */
export function createItemLifecycle(deps: ActivityDependencies) {
  return {
    /**
     * Marks the item running under this run and checks which configured models the document fits:
     * those it does not fit are dropped from their chains by the workflow, without a wasted call.
     */
    async parse(input: { queueItemId: string; models: string[] }): Promise<ParseResult> {
      const { workflowId, runId } = executionOf();
      const row = await startRun(deps.pool, input.queueItemId, { runId, workflowId, simulated: deps.simulated });
      if (!row) throw itemMissing(input.queueItemId);
      const estimatedTokens = Math.ceil(row.characters / CHARS_PER_TOKEN);
      // A model no longer offered stays in its chain: its stage fails it with the reason (retired, and the successor).
      const tooLargeFor = input.models.filter((id) => {
        const model = deps.catalog.get(id);
        return model !== undefined && !fitsContext(model, estimatedTokens + PROMPT_OVERHEAD_TOKENS);
      });
      const parsed = { characters: row.characters, estimatedTokens, tooLargeFor };
      await storeRunOutput(deps.pool, input.queueItemId, 'parse', 0, null, parsed);
      return parsed;
    },

    /**
     * Copies the outputs of an earlier run's stages into this run, so that the stages after them
     * read them as their own and the ledger shows no new call for them. A stage without a stored
     * output in that run cannot be reused: the retry must start earlier.
     */
    async reuseStageOutputs(input: { queueItemId: string; fromRunId: string; stages: string[] }): Promise<ReusedStages> {
      const runId = runIdOf();
      return inTransaction(deps.pool, async (client) => {
        const reused: ReusedStages = {};
        for (const stage of input.stages.filter((name): name is ModelStage => isModelStage(name))) {
          const copied = await copyFirstPassOutput(client, input.queueItemId, input.fromRunId, runId, stage);
          if (!copied) {
            throw ApplicationFailure.nonRetryable(`run ${input.fromRunId} has no ${stage} output to reuse; resume from an earlier stage`, FailureType.NothingToReuse);
          }
          if (stage === 'review') reused.review = { model: copied.model, disputed: (copied.output as { disputed: string[] }).disputed };
          else reused[stage] = { model: copied.model };
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
      await storeResult(deps.pool, input.queueItemId, { ...composed.result, review_reasons: reasons });
      return { fields: Object.keys(composed.result.fields), needsReview: reasons.length > 0, reasons };
    },

    async markNeedsReview(input: { queueItemId: string; reasons: string[] }): Promise<void> {
      await setItemStatus(deps.pool, input.queueItemId, 'needs_review', { currentStage: 'human_review' });
    },

    /**
     * Writes the final result from the orchestrator's last review (with a reviewer's corrections,
     * which become the item's ground truth), scores it when the item is labelled, and records the
     * run for its configuration — the writes in one transaction, and keyed by run id, so a retried
     * finalise changes nothing. What it reads (the run's outputs and cost, in one statement that also
     * marks the stage) comes before the transaction: under READ COMMITTED a read inside it would see
     * nothing more settled, and the transaction holds its configuration's lock for less.
     */
    async finalise(input: { queueItemId: string; configurationId: string; durationMs: number; review?: ReviewDecision }): Promise<FinaliseResult> {
      const runId = runIdOf();
      const { result, schema, expected, costUsd } = await composeResult(deps.pool, input.queueItemId, runId, deps.simulated, { finalising: true });
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
      const resultJson = {
        ...result,
        ...(score.accuracy === null ? {} : { scoring: score.fields }),
        ...(input.review ? { reviewed_by: input.review.reviewer } : {}),
      };
      await inTransaction(deps.pool, async (client) => {
        await completeItem(client, input.queueItemId, { result: resultJson, accuracy: score.accuracy, expected: groundTruth }, { runId, output: { accuracy: score.accuracy, cost_usd: costUsd } });
        await recordFinishedRun(client, {
          runId,
          configurationId: input.configurationId,
          queueItemId: input.queueItemId,
          status: 'completed',
          accuracy: score.accuracy,
          costUsd,
          durationMs: input.durationMs,
        });
      });
      return { status: 'completed', accuracy: score.accuracy, costUsd, reviewedBy: input.review?.reviewer ?? null };
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
