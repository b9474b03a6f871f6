import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineUpdate,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { createActivities } from '../activities/index.ts';
import { ExtractionStatusKey } from '../temporal/search-attributes.ts';
import type {
  ExtractionInput,
  ExtractionProgress,
  FinaliseResult,
  ModelStageResult,
  PipelineStage,
  ReusedStages,
  ReviewDecision,
  StageProgress,
} from './extraction-types.ts';
import { PIPELINE_STAGES } from './extraction-types.ts';
import { reportingToParent } from './report-to-parent.ts';

type Activities = ReturnType<typeof createActivities>;

export const progressQuery = defineQuery<ExtractionProgress>('progress');

/**
 * A reviewer's decision for a run waiting in `needs_review`. The validator refuses it unless the run
 * is waiting and every corrected field is a field of the item's schema, so a stray or late update
 * never reaches the history.
 */
export const submitReviewUpdate = defineUpdate<{ accepted: true }, [ReviewDecision]>('submitReview');

/** Activities that only touch PostgreSQL: retried patiently, since a database hiccup passes. */
const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 },
});

/**
 * One queue item's extraction: parse → classify → extract → validate → orchestrator review →
 * (human review) → finalise. Each model stage walks its configured fallback chain: Temporal retries
 * a model's activity up to the policy's attempts, then the next model takes over; the item fails
 * only when a chain is exhausted. The orchestrator may send disputed fields back for another
 * extraction by the next model of the extract chain, a bounded number of times. A resumed run
 * reuses the stored outputs of the stages before the one it resumes from.
 */
export async function extractDocument(input: ExtractionInput): Promise<FinaliseResult> {
  return reportingToParent(input.queueItemId, () => runExtraction(input));
}

async function runExtraction(input: ExtractionInput): Promise<FinaliseResult> {
  const { queueItemId, policy } = input;
  const progress: ExtractionProgress = { queueItemId, status: 'running', stages: [] };
  let awaitingReview: { fields: string[] } | undefined;
  let decision: ReviewDecision | undefined;

  setHandler(progressQuery, () => progress);
  setHandler(
    submitReviewUpdate,
    (reviewDecision) => {
      decision = reviewDecision;
      return { accepted: true as const };
    },
    {
      validator: (reviewDecision) => {
        if (!awaitingReview) throw new Error('this run is not waiting for a review');
        if (decision) throw new Error('a review was already submitted');
        if (typeof reviewDecision?.reviewer !== 'string' || reviewDecision.reviewer.length === 0) throw new Error('a review names its reviewer');
        const unknown = Object.keys(reviewDecision.corrections ?? {}).filter((name) => !awaitingReview!.fields.includes(name));
        if (unknown.length > 0) throw new Error(`not fields of this item: ${unknown.join(', ')}`);
      },
    },
  );

  const startStage = (stage: PipelineStage, step = 0): StageProgress => {
    const entry: StageProgress = { stage, step, status: 'running', attempts: 0, hops: [], startedAt: Date.now() };
    progress.stages.push(entry);
    progress.currentStage = stage;
    setCurrentDetails(`Stage **${stage}**${step > 0 ? ` (round ${step + 1})` : ''} of queue item ${queueItemId}`);
    return entry;
  };
  const finishStage = (entry: StageProgress, status: 'completed' | 'failed' | 'skipped' | 'reused') => {
    entry.status = status;
    entry.finishedAt = Date.now();
  };

  const modelActivities = (stage: PipelineStage, model: string) =>
    proxyActivities<Activities>({
      summary: `${stage} with ${model}`,
      // Above the provider call's own timeout, with room for the stage's database reads and writes.
      startToCloseTimeout: policy.callTimeoutMs + 5_000,
      retry: {
        initialInterval: policy.initialRetryIntervalMs,
        backoffCoefficient: 2,
        maximumInterval: '60 seconds',
        maximumAttempts: policy.maxAttemptsPerModel,
      },
    } satisfies ActivityOptions);

  /**
   * Runs a stage with each model of `chain` in turn until one succeeds. A model whose attempts are
   * spent (or whose failure can never succeed, or which would overspend the budget) is recorded as a
   * hop on the stage's progress.
   */
  async function runChain<R extends ModelStageResult>(
    entry: StageProgress,
    chain: readonly string[],
    call: (activities: Activities, model: string) => Promise<R>,
  ): Promise<{ model: string; result: R }> {
    for (const model of chain) {
      entry.model = model;
      try {
        const result = await call(modelActivities(entry.stage, model), model);
        entry.attempts += result.attempt;
        finishStage(entry, 'completed');
        return { model, result };
      } catch (error) {
        if (isCancellation(error)) throw error;
        entry.attempts += attemptsOf(error, policy.maxAttemptsPerModel);
        entry.hops.push({ model, error: describeFailure(error) });
      }
    }
    finishStage(entry, 'failed');
    const tried = entry.hops.map((hop) => `${hop.model}: ${hop.error}`).join('; ');
    throw ApplicationFailure.create({
      type: 'ChainExhausted',
      nonRetryable: true,
      message: `stage ${entry.stage} failed with every model of its chain (${tried})`,
    });
  }

  /** A stage the resumed run takes from the earlier run instead of calling a model again. */
  const reuseStage = (stage: PipelineStage, model: string) => {
    const entry = startStage(stage);
    entry.model = model;
    finishStage(entry, 'reused');
  };

  const setStatus = (status: ExtractionProgress['status']) => {
    progress.status = status;
    upsertSearchAttributes([{ key: ExtractionStatusKey, value: status }]);
  };

  const runStartedAt = Date.now();
  try {
    setStatus('running');
    const parseEntry = startStage('parse');
    const parsed = await bookkeeping.parse({
      queueItemId,
      models: [...new Set([...Object.values(input.chains).flat(), input.orchestratorModel])],
    });
    finishStage(parseEntry, 'completed');
    // A model whose context window the document does not fit is dropped from its chains up front:
    // calling it would only fail, and cost a request.
    const fits = (chain: string[]) => chain.filter((model) => !parsed.tooLargeFor.includes(model));
    const chains = { classify: fits(input.chains.classify), extract: fits(input.chains.extract), validate: fits(input.chains.validate) };
    const orchestratorFits = !parsed.tooLargeFor.includes(input.orchestratorModel);
    for (const [stage, chain] of Object.entries({ ...chains, review: orchestratorFits ? [input.orchestratorModel] : [] })) {
      if (chain.length === 0) {
        throw ApplicationFailure.create({
          type: 'DocumentTooLarge',
          nonRetryable: true,
          message: `the document (about ${parsed.estimatedTokens} tokens) fits the context window of no model of the ${stage} chain`,
        });
      }
    }

    let reused: ReusedStages = {};
    if (input.resume) {
      const stages = PIPELINE_STAGES.slice(1, PIPELINE_STAGES.indexOf(input.resume.fromStage));
      reused = await bookkeeping.reuseStageOutputs({ queueItemId, fromRunId: input.resume.fromRunId, stages });
    }

    const call = { queueItemId, temperature: input.temperature, callTimeoutMs: policy.callTimeoutMs, maxCostUsd: input.maxCostUsd, step: 0 };

    if (reused.classify) reuseStage('classify', reused.classify.model);
    else await runChain(startStage('classify'), chains.classify, (activities, model) => activities.classify({ ...call, model }));

    let step = 0;
    let onlyFields: string[] | undefined;
    let extractChain = chains.extract;
    let validateChain = chains.validate;
    for (;;) {
      const fromEarlierRun = step === 0 ? reused : {};
      let extractedBy: string;
      if (fromEarlierRun.extract) {
        extractedBy = fromEarlierRun.extract.model;
        reuseStage('extract', extractedBy);
      } else {
        try {
          const extracted = await runChain(startStage('extract', step), extractChain, (activities, model) =>
            activities.extract({ ...call, model, step, onlyFields }),
          );
          extractedBy = extracted.model;
        } catch (error) {
          // A re-extraction only tries to improve disputed fields: when no model of its chain can
          // do it (failures, or the budget), the orchestrator's earlier review stands.
          if (step === 0 || isCancellation(error)) throw error;
          break;
        }
      }

      let validatedBy: string;
      if (fromEarlierRun.validate) {
        validatedBy = fromEarlierRun.validate.model;
        reuseStage('validate', validatedBy);
      } else {
        const validated = await runChain(startStage('validate', step), validateChain, (activities, model) =>
          activities.validate({ ...call, model, step }),
        );
        validatedBy = validated.model;
      }
      // The validator that answered stays first for later rounds.
      validateChain = [validatedBy, ...validateChain.filter((model) => model !== validatedBy)];

      let disputed: string[];
      if (fromEarlierRun.review) {
        disputed = fromEarlierRun.review.disputed;
        reuseStage('review', fromEarlierRun.review.model);
      } else {
        const reviewed = await runChain(startStage('review', step), [input.orchestratorModel], (activities, model) =>
          activities.review({ ...call, model, step }),
        );
        disputed = reviewed.result.disputed;
      }

      const next = nextModels(extractChain, extractedBy);
      if (disputed.length === 0 || step >= policy.maxReextractionRounds || next.length === 0) break;
      step += 1;
      onlyFields = disputed;
      extractChain = next;
    }

    if (input.review) {
      const prepared = await bookkeeping.prepareResult({ queueItemId, confidenceThreshold: input.review.confidenceThreshold });
      if (prepared.needsReview) {
        const reviewEntry = startStage('human_review');
        reviewEntry.status = 'waiting';
        awaitingReview = { fields: prepared.fields };
        await bookkeeping.markNeedsReview({ queueItemId, reasons: prepared.reasons });
        setStatus('needs_review');
        setCurrentDetails(`Waiting for a reviewer: ${prepared.reasons.join('; ')}`);
        const decided = await condition(() => decision !== undefined, input.review.deadlineMs);
        awaitingReview = undefined;
        finishStage(reviewEntry, decided ? 'completed' : 'skipped');
        if (!decided) {
          if (input.review.onDeadline === 'fail') {
            throw ApplicationFailure.create({ type: 'ReviewDeadline', nonRetryable: true, message: 'no reviewer decided before the review deadline' });
          }
          decision = undefined;
        }
        setStatus('running');
      }
    }

    const finaliseEntry = startStage('finalise');
    const outcome = await bookkeeping.finalise({
      queueItemId,
      configurationId: input.configurationId,
      durationMs: Date.now() - runStartedAt,
      review: decision,
    });
    finishStage(finaliseEntry, 'completed');
    setStatus('completed');
    setCurrentDetails(`Completed${outcome.accuracy === null ? '' : `, accuracy ${(outcome.accuracy * 100).toFixed(1)}%`}`);
    return outcome;
  } catch (error) {
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(async () => {
        await bookkeeping.markCancelled({ queueItemId });
        setStatus('cancelled');
      });
      throw error;
    }
    const message = describeFailure(error);
    progress.error = message;
    const current = progress.stages.at(-1);
    if (current && (current.status === 'running' || current.status === 'waiting')) finishStage(current, 'failed');
    await bookkeeping.markFailed({
      queueItemId,
      configurationId: input.configurationId,
      error: message,
      durationMs: Date.now() - runStartedAt,
    });
    setStatus('failed');
    setCurrentDetails(`Failed: ${message}`);
    throw ApplicationFailure.create({ type: 'ExtractionFailed', nonRetryable: true, message, cause: error as Error });
  }
}

/** The extract chain for a re-extraction: the models after the one that answered, then the ones before it. */
function nextModels(chain: readonly string[], used: string): string[] {
  const index = chain.indexOf(used);
  return [...chain.slice(index + 1), ...chain.slice(0, Math.max(index, 0))];
}

function describeFailure(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** How many attempts a failed activity made: all of them unless it failed as non-retryable. */
function attemptsOf(error: unknown, maxAttempts: number): number {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.nonRetryable) {
    const details = error.cause.details?.[0] as { attempt?: number } | undefined;
    return details?.attempt ?? 1;
  }
  return maxAttempts;
}
