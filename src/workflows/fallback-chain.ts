import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';
import { modelActivities, type Activities } from './activity-proxies.ts';
import type { ModelStageResult, RunPolicy, StageProgress } from './extraction-types.ts';
import { FailureType } from './failure-types.ts';
import type { RunProgress } from './progress.ts';

/**
 * Runs a stage with each model of `chain` in turn until one succeeds. Temporal retries each model's
 * activity up to the policy's attempts; a model whose attempts are spent (or whose failure can never
 * succeed, or which would overspend the budget) is recorded as a hop on the stage's progress and the
 * next model takes over. When every model has failed the stage fails with `ChainExhausted`.
 */
export async function runChain<R extends ModelStageResult>(
  progress: RunProgress,
  entry: StageProgress,
  chain: readonly string[],
  policy: RunPolicy,
  call: (activities: Activities, model: string) => Promise<R>,
): Promise<{ model: string; result: R }> {
  for (const model of chain) {
    entry.model = model;
    try {
      const result = await call(modelActivities(entry.stage, model, policy), model);
      entry.attempts += result.attempt;
      progress.finishStage(entry, 'completed');
      return { model, result };
    } catch (error) {
      if (isCancellation(error)) throw error;
      entry.attempts += attemptsOf(error, policy.maxAttemptsPerModel);
      entry.hops.push({ model, error: describeFailure(error) });
    }
  }
  progress.finishStage(entry, 'failed');
  const tried = entry.hops.map((hop) => `${hop.model}: ${hop.error}`).join('; ');
  throw ApplicationFailure.create({
    type: FailureType.ChainExhausted,
    nonRetryable: true,
    message: `stage ${entry.stage} failed with every model of its chain (${tried})`,
  });
}

/** The extract chain for a re-extraction: the models after the one that answered, then the ones before it. */
export function nextModels(chain: readonly string[], used: string): string[] {
  const index = chain.indexOf(used);
  return [...chain.slice(index + 1), ...chain.slice(0, Math.max(index, 0))];
}

/** The reason an activity failed, as a person reads it: the activity's own failure, not Temporal's wrapper. */
export function describeFailure(error: unknown): string {
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
