import { ApplicationFailure } from '@temporalio/activity';
import { isModelStage, type ModelStage } from '../contract/stages.ts';
import { recordFinishedRun } from '../db/configuration-usage.ts';
import { completeItem, runCost, startRun, storeResult } from '../db/item-runs.ts';
import { inTransaction } from '../db/pool.ts';
import { setItemStatus } from '../db/queue-items.ts';
import { copyFirstPassOutput } from '../db/stage-outputs.ts';
import { applyCorrections, InvalidPointerError } from '../contract/schema/corrections.ts';
import { schemaPaths } from '../contract/schema/leaves.ts';
import { scoreItem } from '../contract/schema/score-data.ts';
import { correctedFields } from './corrected-fields.ts';
import type { FinaliseResult, FitResult, ParsedInPlace, ParseResult, PreparedResult, ReadDocumentResult, ReusedStages, ReviewDecision } from '../workflows/extraction-types.ts';
import { fitsContext } from '../providers/reasoning.ts';
import { FailureType } from '../workflows/failure-types.ts';
import { composeResult } from './compose-result.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { extractsWholeWithoutPlan } from './document-chunks.ts';
import { readRunDocument } from './read-document.ts';
import { storeRunOutput } from './stage-outputs.ts';
import { executionOf, runIdOf } from './workflow-execution.ts';

/** Characters per token for estimates before a call; providers count exactly afterwards. */
const CHARS_PER_TOKEN = 4;
/** Room for the instructions, the schema and the answer beside the document. */
const PROMPT_OVERHEAD_TOKENS = 4000;
/** Review reasons the workflow is told (all of them are stored with the result). */
const MAX_REASONS = 40;

/** The model's data with a reviewer's corrections; the API checked them, so a misfit is final. */
function correctedData(data: Record<string, unknown>, corrections: Record<string, unknown>): Record<string, unknown> {
  try {
    return applyCorrections(data, corrections) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof InvalidPointerError) throw ApplicationFailure.nonRetryable(`the review's corrections do not fit the result: ${error.message}`, FailureType.InvalidReview);
    throw error;
  }
}

const itemMissing = (queueItemId: string) => ApplicationFailure.nonRetryable(`queue item ${queueItemId} no longer exists`, FailureType.ItemMissing);

/** The stages that need no model: the run's start and end, and the records of how it ended. */
export function createItemLifecycle(deps: ActivityDependencies) {
  /** The configured models whose context window a document of `characters` does not fit. */
  const tooLargeFor = (models: readonly string[], characters: number) => {
    const estimatedTokens = Math.ceil(characters / CHARS_PER_TOKEN);
    // A model no longer offered stays in its chain: its stage fails it with the reason (retired, and the successor).
    const unfit = models.filter((id) => {
      const model = deps.catalog.get(id);
      return model !== undefined && !fitsContext(model, estimatedTokens + PROMPT_OVERHEAD_TOKENS);
    });
    return { estimatedTokens, tooLargeFor: unfit };
  };

  /**
   * Which configured models the read document fits, stored as the parse stage's output; given the
   * extract chain, also which of its models take the document whole without a chunk plan.
   */
  const fitModels = async (input: { queueItemId: string; models: string[]; read: ReadDocumentResult; extractModels?: string[] }): Promise<FitResult> => {
    const fit: FitResult = {
      ...tooLargeFor(input.models, input.read.characters),
      ...(input.extractModels ? { extractWhole: await extractsWholeWithoutPlan(deps, input.queueItemId, input.extractModels, input.read.characters) } : {}),
    };
    await storeRunOutput(deps.pool, input.queueItemId, 'parse', 0, null, { ...input.read, ...fit });
    return fit;
  };

  return {
    /**
     * Checks which configured models the read document fits: those it does not fit are dropped from
     * their chains by the workflow, without a wasted call. Its output closes the parse stage.
     */
    fitModels,

    /**
     * The whole parse stage, as a local activity, for a document that needs no reader (a small text,
     * or one read before): `readDocument` and `fitModels` in one, without a task on the documents
     * queue. Null for a document that needs a reader: then `readDocument` reads it.
     */
    async parseInPlace(input: { queueItemId: string; models: string[]; extractModels: string[] }): Promise<ParsedInPlace | null> {
      const read = await readRunDocument(deps, input.queueItemId, { inPlace: true });
      return read ? { read, fit: await fitModels({ ...input, read }) } : null;
    },

    /**
     * Runs begun before documents were read in the workflow (their text was read at intake) call
     * this as their first activity: it marks the item running under the run and checks which models
     * the text fits. Kept so that those runs can finish after an upgrade; new runs read their
     * document (`readDocument`) and then call `fitModels`.
     */
    async parse(input: { queueItemId: string; models: string[] }): Promise<ParseResult> {
      const { workflowId, runId } = executionOf();
      const row = await startRun(deps.pool, input.queueItemId, { runId, workflowId, simulated: deps.simulated });
      if (!row) throw itemMissing(input.queueItemId);
      const parsed = { characters: row.characters, ...tooLargeFor(input.models, row.characters) };
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
     * Composes the result and says whether a person should look at it: a final value the validator
     * rejected or a validation rule of the schema breaks, or one below the confidence threshold. The
     * composed result is stored on the item so that the review screen shows what the reviewer
     * decides on; the workflow gets the reasons (at most a few dozen, so its history stays small)
     * and the schema's paths its update validator checks corrections against.
     */
    async prepareResult(input: { queueItemId: string; confidenceThreshold: number }): Promise<PreparedResult> {
      const composed = await composeResult(deps.pool, input.queueItemId, runIdOf(), deps.simulated);
      const reasons = [
        ...composed.result.rule_failures.map((failure) => `rule ${failure.rule + 1}: ${failure.message}`),
        ...Object.entries(composed.result.fields).flatMap(([pointer, field]) => [
          ...(field.validated ? [] : [`${pointer}: not validated`]),
          ...(composed.sources.reviewWhenNotFound && field.source?.match === 'not_found' ? [`${pointer}: not found in the document`] : []),
          ...(field.confidence < input.confidenceThreshold ? [`${pointer}: confidence ${field.confidence.toFixed(2)} < ${input.confidenceThreshold}`] : []),
        ]),
      ];
      const shown = reasons.length > MAX_REASONS ? [...reasons.slice(0, MAX_REASONS - 1), `and ${reasons.length - MAX_REASONS + 1} more`] : reasons;
      await storeResult(deps.pool, input.queueItemId, { ...composed.result, review_reasons: reasons });
      return { fields: schemaPaths(composed.schema.root), needsReview: reasons.length > 0, reasons: shown };
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
      const { result, schema, expected, costUsd, sources } = await composeResult(deps.pool, input.queueItemId, runId, deps.simulated, { finalising: true });
      const modelData = result.data;

      // A reviewer's decision is ground truth: the values they corrected, and the values they
      // accepted as they were. The model's own data is what is scored against it.
      let groundTruth = expected;
      let resultJson: Record<string, unknown> = result;
      if (input.review) {
        const corrected = correctedData(modelData, input.review.corrections);
        groundTruth = corrected;
        const fields = correctedFields(schema.root, result.fields, corrected, input.review.corrections, input.review.reviewer);
        // A value a reviewer set is looked up again: the source is where their value is written.
        for (const field of Object.values(fields)) if (field.corrected_by) field.source = sources.locate(field.value, field.chunk && [field.chunk.first_page, field.chunk.last_page]);
        resultJson = { ...result, data: corrected, fields, reviewed_by: input.review.reviewer };
      }
      const score = scoreItem(schema, groundTruth, modelData);
      if (score.accuracy !== null) resultJson = { ...resultJson, scoring: score.fields };
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
