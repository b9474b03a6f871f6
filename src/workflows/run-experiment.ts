import {
  CancellationScope,
  ContinueAsNew,
  ParentClosePolicy,
  condition,
  continueAsNew,
  defineQuery,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { ConfigurationIdKey, ExtractionStatusKey, QueueItemIdKey } from '../temporal/search-attributes.ts';
import { bookkeeping } from './activity-proxies.ts';
import type { ExperimentCarry, ExperimentInput, ExperimentProgress, ExperimentRunRef, RunFinished } from './experiment-types.ts';
import { extractDocument } from './extract-document.ts';
import { runFinishedSignal } from './report-to-parent.ts';

export type { ExperimentInput, ExperimentProgress } from './experiment-types.ts';

export const experimentProgressQuery = defineQuery<ExperimentProgress>('experimentProgress');

/** Runs are fetched in pages so that the plan never travels through the history whole. */
const PAGE = 100;

/** How long a cancelled experiment waits for its running extractions to wind down before it closes. */
const CANCELLATION_GRACE = '10 minutes';

const workflowIdOf = (itemId: string) => `extraction-${itemId}`;

/**
 * An A/B experiment: every (item, arm) copy runs as a child `extractDocument` workflow with the
 * contract's id `extraction-<copy id>`, through a sliding window of at most `concurrency` children
 * (the batch-sliding-window pattern). With a budget, the spend from the ledger is checked before each
 * new child; the window stops growing when the spend plus the expected cost of the runs in flight
 * would pass the cap.
 *
 * Of any size: once its history is long enough (see `continueAsNewAfterEvents`), the workflow
 * continues as new, carrying its position in the plan, its counters, its spend and the runs still in
 * flight. Those runs keep going — children are started with parent close policy ABANDON, since a
 * continue-as-new closes the run that started them — and report their end by signal to the
 * experiment's workflow id, which reaches whichever run is current. Cancelling the experiment cancels
 * every run in flight, however old, and waits for them; a failing experiment cancels them too.
 */
export async function runExperiment(input: ExperimentInput): Promise<ExperimentProgress> {
  const carried = input.carried;
  const progress: ExperimentProgress = {
    totalRuns: input.totalRuns,
    started: carried?.started ?? 0,
    completed: carried?.completed ?? 0,
    failed: carried?.failed ?? 0,
    running: carried?.inFlight.length ?? 0,
    spentUsd: carried?.spentUsd ?? null,
    stoppedBy: null,
    continuedAsNew: carried?.continuedAsNew ?? 0,
  };
  setHandler(experimentProgressQuery, () => progress);

  // Runs in flight by item id. Those carried over from an earlier run of this workflow are not its
  // children: only their signal tells of their end. This run's own children settle by their result
  // too; whichever comes first counts, once.
  const inFlight = new Map<string, { position: number; carried: boolean }>(
    (carried?.inFlight ?? []).map((run) => [run.itemId, { position: run.position, carried: true }]),
  );
  const settle = (itemId: string, status: RunFinished['status']) => {
    if (!inFlight.delete(itemId)) return;
    progress.running = inFlight.size;
    if (status === 'completed') progress.completed += 1;
    // A failed extraction is a result of the experiment (its item says why), not its failure.
    else if (status === 'failed') progress.failed += 1;
  };
  setHandler(runFinishedSignal, (report) => settle(report.queueItemId, report.status));

  let page: ExperimentRunRef[] = [];
  let nextPosition = carried?.nextPosition ?? 0;
  let exhausted = false;
  let startedHere = 0;

  const nextRun = async (): Promise<ExperimentRunRef | undefined> => {
    if (page.length === 0 && !exhausted) {
      page = await bookkeeping.experimentRunsPage({ experimentId: input.experimentId, fromPosition: nextPosition, limit: PAGE });
      if (page.length < PAGE) exhausted = true;
    }
    const run = page.shift();
    if (run) nextPosition = run.position + 1;
    return run;
  };

  /**
   * How many more runs the budget leaves room for beside the ones in flight (with `batch` false: 1
   * or 0, decided exactly as before batches, so that runs started then replay unchanged).
   */
  const budgetRoom = async (batch: boolean): Promise<number> => {
    if (input.maxCostUsd === undefined) return Number.POSITIVE_INFINITY;
    const { spentUsd, finishedRuns } = await bookkeeping.experimentSpend({ experimentId: input.experimentId });
    progress.spentUsd = spentUsd;
    // Before any run has finished there is no cost estimate: only the spend itself is checked.
    const perRun = finishedRuns > 0 ? spentUsd / finishedRuns : 0;
    if (!batch) return spentUsd + perRun * (inFlight.size + 1) <= input.maxCostUsd ? 1 : 0;
    if (spentUsd > input.maxCostUsd) return 0;
    return perRun === 0 ? Number.POSITIVE_INFINITY : Math.floor((input.maxCostUsd - spentUsd) / perRun) - inFlight.size;
  };

  const historyIsLong = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || (input.continueAsNewAfterEvents !== undefined && info.historyLength >= input.continueAsNewAfterEvents);
  };

  const carry = (): ExperimentCarry => ({
    nextPosition,
    started: progress.started,
    completed: progress.completed,
    failed: progress.failed,
    spentUsd: progress.spentUsd,
    continuedAsNew: progress.continuedAsNew + 1,
    inFlight: [...inFlight].map(([itemId, run]) => ({ itemId, position: run.position })),
  });

  const startRun = async (run: ExperimentRunRef) => {
    const arm = input.arms[run.arm];
    if (!arm) throw new Error(`experiment run ${run.position} names arm ${run.arm}, which the experiment does not have`);
    inFlight.set(run.itemId, { position: run.position, carried: false });
    const started = startChild(extractDocument, {
      workflowId: workflowIdOf(run.itemId),
      args: [{ ...arm, queueItemId: run.itemId }],
      // A continue-as-new closes this run: its children must outlive it.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: QueueItemIdKey, value: run.itemId },
        { key: ExtractionStatusKey, value: 'queued' },
        { key: ConfigurationIdKey, value: arm.configurationId },
      ],
      memo: { experiment_id: input.experimentId, arm: run.arm },
      staticSummary: `Experiment ${input.experimentId}, arm ${run.arm}: queue item ${run.itemId}`,
    });
    // A start that failed (or was cancelled before the child existed) leaves nothing to wait for.
    const child = await started.catch((error: unknown) => {
      inFlight.delete(run.itemId);
      throw error;
    });
    startedHere += 1;
    progress.started += 1;
    progress.running = inFlight.size;
    void child.result().then(
      () => settle(run.itemId, 'completed'),
      (error: unknown) => settle(run.itemId, isCancellation(error) ? 'cancelled' : 'failed'),
    );
  };

  /** Cancels runs in flight; this run's own children are already cancelled with it when it is. */
  const cancelInFlight = (which: (run: { carried: boolean }) => boolean) =>
    Promise.all(
      [...inFlight]
        .filter(([, run]) => which(run))
        .map(([itemId]) => getExternalWorkflowHandle(workflowIdOf(itemId)).cancel().catch(() => undefined)),
    );

  try {
    // Every free slot is filled in one workflow task (one start command per run), rather than one
    // start per task: the window stays full however short the runs. Runs started before this
    // started one run per task; they replay that way.
    const batch = patched('experiment-batch-starts');
    for (;;) {
      await condition(() => inFlight.size < input.concurrency);
      // Before the next starts, when nothing of this run is pending but its children; never before
      // this run has started one, so every run moves the experiment on.
      if (startedHere > 0 && historyIsLong()) await continueAsNew<typeof runExperiment>({ ...input, carried: carry() });
      const room = Math.min(await budgetRoom(batch), batch ? input.concurrency - inFlight.size : 1);
      if (room < 1) {
        progress.stoppedBy = 'budget';
        break;
      }
      const runs: ExperimentRunRef[] = [];
      while (runs.length < room) {
        const run = await nextRun();
        if (!run) break;
        runs.push(run);
      }
      if (runs.length === 0) break;
      await Promise.all(runs.map(startRun));
    }
    await condition(() => inFlight.size === 0);
    if (input.maxCostUsd !== undefined) progress.spentUsd = (await bookkeeping.experimentSpend({ experimentId: input.experimentId })).spentUsd;
    await bookkeeping.finishExperiment({ experimentId: input.experimentId, status: progress.stoppedBy === 'budget' ? 'budget_exhausted' : 'completed' });
    return progress;
  } catch (error) {
    if (error instanceof ContinueAsNew) throw error;
    if (isCancellation(error)) {
      progress.stoppedBy = 'cancellation';
      await CancellationScope.nonCancellable(async () => {
        await cancelInFlight((run) => run.carried);
        await condition(() => inFlight.size === 0, CANCELLATION_GRACE);
        await bookkeeping.finishExperiment({ experimentId: input.experimentId, status: 'cancelled' });
      });
      throw error;
    }
    await cancelInFlight(() => true);
    await bookkeeping.finishExperiment({
      experimentId: input.experimentId,
      status: 'failed',
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}
