import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  defineQuery,
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
  StageProgress,
} from './extraction-types.ts';

type Activities = ReturnType<typeof createActivities>;

export const progressQuery = defineQuery<ExtractionProgress>('progress');

/** Activities that only touch PostgreSQL: retried patiently, since a database hiccup passes. */
const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 },
});

/**
 * One queue item's extraction: parse → classify → extract → validate → orchestrator review →
 * finalise. Each model stage walks its configured fallback chain: Temporal retries a model's
 * activity up to the policy's attempts, then the next model takes over; the item fails only when a
 * chain is exhausted. The orchestrator may send disputed fields back for another extraction by the
 * next model of the extract chain, a bounded number of times.
 */
export async function extractDocument(input: ExtractionInput): Promise<FinaliseResult> {
  const { queueItemId, policy } = input;
  const progress: ExtractionProgress = { queueItemId, status: 'running', stages: [] };
  setHandler(progressQuery, () => progress);

  const startStage = (stage: PipelineStage, step = 0): StageProgress => {
    const entry: StageProgress = { stage, step, status: 'running', attempts: 0, hops: [], startedAt: Date.now() };
    progress.stages.push(entry);
    progress.currentStage = stage;
    setCurrentDetails(`Stage **${stage}**${step > 0 ? ` (round ${step + 1})` : ''} of queue item ${queueItemId}`);
    return entry;
  };
  const finishStage = (entry: StageProgress, status: 'completed' | 'failed' | 'skipped') => {
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
   * Runs `stage` with each model of `chain` in turn until one succeeds. A model whose attempts are
   * spent (or whose failure can never succeed) is recorded as a hop on the stage's progress.
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

  const setStatus = (status: 'running' | 'completed' | 'failed' | 'cancelled') => {
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

    const call = { queueItemId, temperature: input.temperature, callTimeoutMs: policy.callTimeoutMs, step: 0 };

    const classifyEntry = startStage('classify');
    await runChain(classifyEntry, chains.classify, (activities, model) => activities.classify({ ...call, model }));
    finishStage(classifyEntry, 'completed');

    let step = 0;
    let onlyFields: string[] | undefined;
    let extractChain = chains.extract;
    let validateChain = chains.validate;
    for (;;) {
      const extractEntry = startStage('extract', step);
      const extracted = await runChain(extractEntry, extractChain, (activities, model) =>
        activities.extract({ ...call, model, step, onlyFields }),
      );
      finishStage(extractEntry, 'completed');

      const validateEntry = startStage('validate', step);
      const validated = await runChain(validateEntry, validateChain, (activities, model) =>
        activities.validate({ ...call, model, step }),
      );
      finishStage(validateEntry, 'completed');
      // The validator that answered stays first for later rounds.
      validateChain = [validated.model, ...validateChain.filter((model) => model !== validated.model)];

      const reviewEntry = startStage('review', step);
      const reviewed = await runChain(reviewEntry, [input.orchestratorModel], (activities, model) =>
        activities.review({ ...call, model, step }),
      );
      finishStage(reviewEntry, 'completed');

      const next = nextModels(extractChain, extracted.model);
      if (reviewed.result.disputed.length === 0 || step >= policy.maxReextractionRounds || next.length === 0) break;
      step += 1;
      onlyFields = reviewed.result.disputed;
      extractChain = next;
    }

    const finaliseEntry = startStage('finalise');
    const outcome = await bookkeeping.finalise({
      queueItemId,
      configurationId: input.configurationId,
      durationMs: Date.now() - runStartedAt,
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
    if (current && current.status === 'running') finishStage(current, 'failed');
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
  return [...chain.slice(index + 1), ...chain.slice(0, index)];
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
