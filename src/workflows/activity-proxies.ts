import { proxyActivities, proxyLocalActivities, workflowInfo, type ActivityOptions, type LocalActivityOptions } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.ts';
import { documentsTaskQueue } from '../temporal/names.ts';
import type { RunPolicy } from './extraction-types.ts';

/** Every activity the worker registers, by name and signature. Workflows import only this type. */
export type Activities = ReturnType<typeof createActivities>;

const BOOKKEEPING_OPTIONS = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 },
} satisfies ActivityOptions & LocalActivityOptions;

/** Activities that only touch PostgreSQL: retried patiently, since a database hiccup passes. */
export const bookkeeping = proxyActivities<Activities>(BOOKKEEPING_OPTIONS);

/**
 * The same activities as local activities: the worker runs them inside the workflow task that needs
 * them and records each result as a marker, so they cost no task dispatch, no slot wait and no
 * workflow task of their own. They are retried by the worker under the same policy; one that runs
 * again after a lost workflow task is safe because every bookkeeping activity is idempotent (keyed
 * by run id). Runs started before this existed replay with `bookkeeping` (see run-bookkeeping.ts).
 */
export const localBookkeeping = proxyLocalActivities<Activities>(BOOKKEEPING_OPTIONS);

/**
 * Reading the run's document, on the documents task queue beside the run's own: its workers take
 * only as many documents at once as they have reading slots. A page is stored as soon as it is read
 * and the activity heartbeats per page, so a lost worker is noticed within the heartbeat timeout and
 * the next attempt resumes after the last stored page. A document that cannot be read fails for
 * good at once (non-retryable); the attempts are for the database and the worker going away.
 */
export function documentReading() {
  return proxyActivities<Activities>({
    taskQueue: documentsTaskQueue(workflowInfo().taskQueue),
    summary: 'read the document',
    // A 500-page scan at a few seconds a page, behind other documents' pages for the OCR threads.
    startToCloseTimeout: '4 hours',
    heartbeatTimeout: '1 minute',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
  } satisfies ActivityOptions);
}

/**
 * A stage's activities with one model of its chain: Temporal retries a failed call up to the policy's
 * attempts (a 429 after its Retry-After), then the fallback chain moves on. The summary names the
 * stage and the model in the Temporal UI.
 */
export function modelActivities(stage: string, model: string, policy: RunPolicy) {
  return proxyActivities<Activities>({
    summary: `${stage} with ${model}`,
    // Above the provider call's own timeout, with room for the stage's database reads and writes.
    startToCloseTimeout: policy.callTimeoutMs + 5_000,
    // The call heartbeats while in flight: a lost worker is noticed within this, and a Cancel
    // reaches the call with the next heartbeat's answer and aborts its HTTP request.
    heartbeatTimeout: '20 seconds',
    retry: {
      initialInterval: policy.initialRetryIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: '60 seconds',
      maximumAttempts: policy.maxAttemptsPerModel,
    },
  } satisfies ActivityOptions);
}
