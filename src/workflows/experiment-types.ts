/**
 * Shapes of the A/B experiment parent workflow that cross its boundary: its input (and what it
 * carries into the next run when it continues as new), its progress, the runs it pages through.
 * Ids and counters only: the plan itself stays in PostgreSQL.
 */
import type { ExtractionInput } from './extraction-types.ts';

export interface ExperimentInput {
  experimentId: string;
  /** Per arm, the input of its children without the item id: ids and model ids only. */
  arms: Array<Omit<ExtractionInput, 'queueItemId'>>;
  totalRuns: number;
  /** At most this many children run at once. */
  concurrency: number;
  /** No new run is started once the spend (plus what the runs in flight are expected to cost) reaches it. */
  maxCostUsd?: number;
  /**
   * Continue as new once this run's history has this many events. Without it, when the server
   * suggests it (`workflowInfo().continueAsNewSuggested`: by default at 4 Ki events or 4 MiB, well
   * before the 10 Ki-event and 10 MiB warnings).
   */
  continueAsNewAfterEvents?: number;
  /** Set by the previous run when this one continues it. */
  carried?: ExperimentCarry;
}

/** What one run of the parent hands to the next when it continues as new. */
export interface ExperimentCarry {
  /** The plan position of the next run to start. */
  nextPosition: number;
  started: number;
  completed: number;
  failed: number;
  spentUsd: number | null;
  /** How many runs of this workflow came before. */
  continuedAsNew: number;
  /** Runs started and not finished yet: they keep running (parent close policy ABANDON) and report their end by signal. */
  inFlight: Array<{ itemId: string; position: number }>;
}

export interface ExperimentProgress {
  totalRuns: number;
  started: number;
  completed: number;
  failed: number;
  running: number;
  spentUsd: number | null;
  stoppedBy: 'budget' | 'cancellation' | null;
  /** Runs of the parent workflow before this one (continue-as-new). */
  continuedAsNew: number;
}

/** One run of the plan: which arm, which copy of the item. */
export interface ExperimentRunRef {
  position: number;
  arm: number;
  itemId: string;
}

/** How a run of an item ended, as it reports to its parent. */
export interface RunFinished {
  queueItemId: string;
  status: 'completed' | 'failed' | 'cancelled';
}
