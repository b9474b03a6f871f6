import {
  CancellationScope,
  ParentClosePolicy,
  condition,
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
  startChild,
} from '@temporalio/workflow';
import type { createActivities } from '../activities/index.ts';
import type { ExperimentRunRef } from '../db/experiments.ts';
import { ConfigurationIdKey, ExtractionStatusKey, QueueItemIdKey } from '../temporal/search-attributes.ts';
import { extractDocument } from './extract-document.ts';
import type { ExtractionInput } from './extraction-types.ts';

type Activities = ReturnType<typeof createActivities>;

export interface ExperimentInput {
  experimentId: string;
  /** Per arm, the input of its children without the item id: ids and model ids only. */
  arms: Array<Omit<ExtractionInput, 'queueItemId'>>;
  totalRuns: number;
  /** At most this many children run at once. */
  concurrency: number;
  /** No new run is started once the spend (plus what the runs in flight are expected to cost) reaches it. */
  maxCostUsd?: number;
}

export interface ExperimentProgress {
  totalRuns: number;
  started: number;
  completed: number;
  failed: number;
  running: number;
  spentUsd: number | null;
  stoppedBy: 'budget' | 'cancellation' | null;
}

export const experimentProgressQuery = defineQuery<ExperimentProgress>('experimentProgress');

const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 },
});

/** Runs are fetched in pages so that the plan never travels through the history whole. */
const PAGE = 100;

/**
 * An A/B experiment: every (item, arm) copy runs as a child `extractDocument` workflow with the
 * contract's id `extraction-<copy id>`, through a sliding window of at most `concurrency` children
 * (the batch-sliding-window pattern). With a budget, the spend from the ledger is checked before each
 * new child; the window stops growing when the spend plus the expected cost of the runs in flight
 * would pass the cap. Cancelling the experiment cancels its running children (they mark their items
 * cancelled) and closes the experiment; children also get a cancellation request if the parent
 * closes any other way.
 */
export async function runExperiment(input: ExperimentInput): Promise<ExperimentProgress> {
  const progress: ExperimentProgress = {
    totalRuns: input.totalRuns,
    started: 0,
    completed: 0,
    failed: 0,
    running: 0,
    spentUsd: null,
    stoppedBy: null,
  };
  setHandler(experimentProgressQuery, () => progress);

  let page: ExperimentRunRef[] = [];
  let nextPosition = 0;
  let exhausted = false;
  const inFlight = new Set<Promise<void>>();

  const nextRun = async (): Promise<ExperimentRunRef | undefined> => {
    if (page.length === 0 && !exhausted) {
      page = await bookkeeping.experimentRunsPage({ experimentId: input.experimentId, fromPosition: nextPosition, limit: PAGE });
      if (page.length < PAGE) exhausted = true;
    }
    const run = page.shift();
    if (run) nextPosition = run.position + 1;
    return run;
  };

  /** Whether the budget leaves room for one more run beside the ones in flight. */
  const budgetAllowsAnother = async (): Promise<boolean> => {
    if (input.maxCostUsd === undefined) return true;
    const { spentUsd, finishedRuns } = await bookkeeping.experimentSpend({ experimentId: input.experimentId });
    progress.spentUsd = spentUsd;
    // Before any run has finished there is no cost estimate: only the spend itself is checked.
    const perRun = finishedRuns > 0 ? spentUsd / finishedRuns : 0;
    return spentUsd + perRun * (inFlight.size + 1) <= input.maxCostUsd;
  };

  const startRun = async (run: ExperimentRunRef) => {
    const arm = input.arms[run.arm];
    if (!arm) throw new Error(`experiment run ${run.position} names arm ${run.arm}, which the experiment does not have`);
    const child = await startChild(extractDocument, {
      workflowId: `extraction-${run.itemId}`,
      args: [{ ...arm, queueItemId: run.itemId }],
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      typedSearchAttributes: [
        { key: QueueItemIdKey, value: run.itemId },
        { key: ExtractionStatusKey, value: 'queued' },
        { key: ConfigurationIdKey, value: arm.configurationId },
      ],
      memo: { experiment_id: input.experimentId, arm: run.arm },
      staticSummary: `Experiment ${input.experimentId}, arm ${run.arm}: queue item ${run.itemId}`,
    });
    progress.started += 1;
    progress.running += 1;
    const done: Promise<void> = child.result().then(
      () => {
        progress.completed += 1;
      },
      (error: unknown) => {
        // A failed extraction is a result of the experiment (its item says why), not its failure.
        if (!isCancellation(error)) progress.failed += 1;
      },
    );
    const tracked = done.finally(() => {
      progress.running -= 1;
      inFlight.delete(tracked);
    });
    inFlight.add(tracked);
  };

  try {
    for (;;) {
      await condition(() => inFlight.size < input.concurrency);
      if (!(await budgetAllowsAnother())) {
        progress.stoppedBy = 'budget';
        break;
      }
      const run = await nextRun();
      if (!run) break;
      await startRun(run);
    }
    await condition(() => inFlight.size === 0);
    if (input.maxCostUsd !== undefined) progress.spentUsd = (await bookkeeping.experimentSpend({ experimentId: input.experimentId })).spentUsd;
    await bookkeeping.finishExperiment({ experimentId: input.experimentId, status: progress.stoppedBy === 'budget' ? 'budget_exhausted' : 'completed' });
    return progress;
  } catch (error) {
    if (isCancellation(error)) {
      progress.stoppedBy = 'cancellation';
      await CancellationScope.nonCancellable(() => bookkeeping.finishExperiment({ experimentId: input.experimentId, status: 'cancelled' }));
      throw error;
    }
    await bookkeeping.finishExperiment({
      experimentId: input.experimentId,
      status: 'failed',
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}
