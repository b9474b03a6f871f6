import { analyseExperiment } from '../analytics/experiment-results.ts';
import type { Experiment, ExperimentListEntry } from '../contract/experiments.ts';
import { experimentRunFacts, getExperiment, listExperiments } from '../db/experiments.ts';
import type { Pool } from '../db/pool.ts';

const FINISHED = ['completed', 'failed', 'cancelled'];

/**
 * An experiment as `GET /experiments/{id}` shows it: its settings and progress, the analysis of its
 * runs so far (per-arm summaries, paired comparisons with the control, the verdict) and every run.
 */
export async function experimentReport(pool: Pool, id: string): Promise<Experiment | undefined> {
  const experiment = await getExperiment(pool, id);
  if (!experiment) return undefined;
  const facts = await experimentRunFacts(pool, experiment.id);
  const analysis = analyseExperiment(experiment.arms, facts, experiment.status !== 'running');
  const finished = facts.filter((run) => FINISHED.includes(run.status)).length;
  return {
    id: experiment.id,
    name: experiment.name,
    status: experiment.status,
    workflow_id: experiment.workflow_id,
    concurrency: experiment.concurrency,
    max_cost_usd: experiment.max_cost_usd,
    items: experiment.source_item_ids.length,
    configurations: experiment.arms.map((arm) => ({ ...arm, config: arm.config as unknown as Record<string, unknown> })),
    error: experiment.error,
    created_at: experiment.created_at.toISOString(),
    finished_at: experiment.finished_at?.toISOString() ?? null,
    progress: {
      runs: facts.length,
      finished,
      running_or_pending: facts.length - finished,
      spent_usd: Number(facts.reduce((sum, run) => sum + run.cost_usd, 0).toFixed(8)),
    },
    ...analysis,
    runs: facts.map((run) => ({
      arm: run.arm,
      source_item_id: run.source_item_id,
      item_id: run.item_id,
      status: run.status,
      accuracy: run.accuracy,
      cost_usd: run.cost_usd,
      duration_ms: run.duration_ms,
    })),
  };
}

/** Experiments, newest first, as `GET /experiments` lists them. */
export async function experimentList(pool: Pool): Promise<ExperimentListEntry[]> {
  return (await listExperiments(pool)).map((experiment) => ({
    id: experiment.id,
    name: experiment.name,
    status: experiment.status,
    items: experiment.source_item_ids.length,
    configurations: experiment.arms.map((arm) => arm.name),
    created_at: experiment.created_at.toISOString(),
    finished_at: experiment.finished_at?.toISOString() ?? null,
  }));
}
