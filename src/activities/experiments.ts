import { experimentRunsPage, experimentSpend, finishExperiment, type ExperimentStatus } from '../db/experiments.ts';
import type { ExperimentRunRef } from '../workflows/experiment-types.ts';
import type { ActivityDependencies } from './dependencies.ts';

/** The bookkeeping of an A/B experiment's parent workflow: its plan, its spend, its ending. */
export function createExperimentActivities(deps: ActivityDependencies) {
  return {
    /** The next runs to start, in plan order: the workflow pages through them instead of carrying them all. */
    async experimentRunsPage(input: { experimentId: string; fromPosition: number; limit: number }): Promise<ExperimentRunRef[]> {
      return experimentRunsPage(deps.pool, input.experimentId, input.fromPosition, input.limit);
    },

    /** Spend so far from the ledger, for the budget cap. */
    async experimentSpend(input: { experimentId: string }): Promise<{ spentUsd: number; finishedRuns: number }> {
      return experimentSpend(deps.pool, input.experimentId);
    },

    async finishExperiment(input: { experimentId: string; status: ExperimentStatus; error?: string }): Promise<void> {
      await finishExperiment(deps.pool, input.experimentId, input.status, input.error ?? null);
    },
  };
}
