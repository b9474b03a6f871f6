import { CancellationScope, defineSignal, getExternalWorkflowHandle, isCancellation, workflowInfo } from '@temporalio/workflow';
import type { RunFinished } from './experiment-types.ts';
import type { RunPatches } from './run-patches.ts';

/** Sent by a run started as a child (an experiment's) to its parent when it ends, however it ends. */
export const runFinishedSignal = defineSignal<[RunFinished]>('runFinished');

/**
 * Runs `run` and, when this workflow has a parent, tells the parent how it ended. The signal goes to
 * the parent's workflow id, not its run: a parent that has continued as new since it started this
 * child gets it in its current run, which is how it learns about children it no longer holds a handle
 * to. Behind a patch, since runs started before it replay without the signal.
 */
export async function reportingToParent<T>(patches: RunPatches, queueItemId: string, run: () => Promise<T>): Promise<T> {
  let status: RunFinished['status'] = 'failed';
  try {
    const result = await run();
    status = 'completed';
    return result;
  } catch (error) {
    status = isCancellation(error) ? 'cancelled' : 'failed';
    throw error;
  } finally {
    const parent = workflowInfo().parent;
    if (parent && patches.has('report-run-to-parent')) {
      // A parent that has already closed (it stops waiting once every run has ended) cannot be
      // signalled; that is no failure of this run.
      await CancellationScope.nonCancellable(() => getExternalWorkflowHandle(parent.workflowId).signal(runFinishedSignal, { queueItemId, status })).catch(
        () => undefined,
      );
    }
  }
}
