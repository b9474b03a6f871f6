import type { WorkerOptions } from '@temporalio/worker';

/** The SDK's defaults, which these settings never go below. */
const SDK_WORKFLOW_TASK_SLOTS = 40;
const SDK_ACTIVITY_SLOTS = 100;

/**
 * The worker's workflow-task side, sized against its activity slots. Every activity that completes
 * hands its run a workflow task, and local activities (a run's bookkeeping) hold a workflow-task slot
 * while they run: with fewer workflow-task slots than activity slots, completions wait for a slot
 * while activity slots stand empty. Pollers autoscale with the backlog the server reports (a burst of
 * new runs all wanting their first task at once) instead of a fixed ten.
 *
 * The cache should hold every run in flight, so that none is evicted and replayed from its whole
 * history on its next task. The SDK's default follows the heap (about 2,300 runs with a 4 GB heap);
 * given `runsInFlight` (the bench knows it), the cache is at least that.
 */
export function workflowTaskSettings(options: { activitySlots?: number | undefined; runsInFlight?: number | undefined }) {
  const slots = Math.max(SDK_WORKFLOW_TASK_SLOTS, options.activitySlots ?? SDK_ACTIVITY_SLOTS);
  return {
    maxConcurrentWorkflowTaskExecutions: slots,
    workflowTaskPollerBehavior: { type: 'autoscaling', minimum: 2, initial: 5, maximum: 20 },
    ...(options.runsInFlight === undefined ? {} : { maxCachedWorkflows: Math.max(options.runsInFlight, slots) }),
  } satisfies Partial<WorkerOptions>;
}
