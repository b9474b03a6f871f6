import { createRoute, z } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import { analyseExperiment } from '../../analytics/experiment-results.ts';
import { experimentRunFacts, getExperiment, listExperiments, type ExperimentRow } from '../../db/experiments.ts';
import { ModelConfigSchema } from '../../domain/model-config.ts';
import { startExperiment } from '../../runs/start-experiment.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { HttpError, notFound } from '../errors.ts';
import { createRouter, ErrorResponses, IdParams, json, jsonBody } from '../router.ts';

const ArmRequestSchema = z.union([
  ModelConfigSchema.extend({ name: z.string().trim().min(1).max(200).optional() }),
  z.strictObject({ configuration_id: z.uuid(), name: z.string().trim().min(1).max(200).optional() }),
]);

export const ExperimentRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    configurations: z.array(ArmRequestSchema).min(2, 'an experiment compares at least two configurations').max(5),
    item_ids: z.array(z.uuid()).min(1).max(10_000),
    concurrency: z.number().int().min(1).max(100).default(4),
    max_cost_usd: z.number().positive().max(100_000).optional(),
  })
  .openapi('ExperimentRequest');

const IntervalSchema = z.object({ low: z.number(), high: z.number() }).openapi('Interval');
const EstimateSchema = z.object({ estimate: z.number(), low: z.number(), high: z.number() }).openapi('Estimate');
const OutcomeSchema = z.enum(['more_accurate', 'cheaper_without_significant_accuracy_difference', 'no_significant_difference', 'insufficient_evidence']);

const ArmSummarySchema = z
  .object({
    arm: z.number().int(),
    name: z.string(),
    configuration_id: z.uuid(),
    runs: z.number().int(),
    finished: z.number().int(),
    completed: z.number().int(),
    failed: z.number().int(),
    cancelled: z.number().int(),
    success_rate: z.number().nullable(),
    success_rate_ci: IntervalSchema.nullable(),
    labelled_completed: z.number().int(),
    accuracy: z.number().nullable().describe('mean field accuracy over labelled completed runs'),
    accuracy_ci: IntervalSchema.nullable(),
    exact_match_rate: z.number().nullable().describe('share of labelled completed runs with every field right'),
    exact_match_ci: IntervalSchema.nullable(),
    cost_usd_total: z.number(),
    cost_usd_per_item: z.number().nullable(),
    latency_ms_p50: z.number().nullable(),
    latency_ms_p95: z.number().nullable(),
  })
  .openapi('ExperimentArmSummary');

const ComparisonSchema = z
  .object({
    control_arm: z.number().int(),
    arm: z.number().int(),
    pairs: z.number().int().describe('source items labelled and completed under both arms'),
    accuracy_difference: EstimateSchema.nullable().describe('arm − control, mean field accuracy, paired bootstrap 95 % CI'),
    mcnemar: z
      .object({ control_only_correct: z.number().int(), arm_only_correct: z.number().int(), p_value: z.number(), p_value_adjusted: z.number() })
      .nullable(),
    cost_difference_per_item: EstimateSchema.nullable().describe('arm − control, USD per item, paired bootstrap 95 % CI'),
    latency_p50_difference_ms: EstimateSchema.nullable().describe('arm − control, median latency, paired bootstrap 95 % CI'),
    outcome: OutcomeSchema,
    winner_arm: z.number().int().nullable(),
    summary: z.string(),
  })
  .openapi('ExperimentComparison');

const ExperimentSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    status: z.enum(['running', 'completed', 'budget_exhausted', 'cancelled', 'failed']),
    workflow_id: z.string(),
    concurrency: z.number().int(),
    max_cost_usd: z.number().nullable(),
    items: z.number().int(),
    configurations: z.array(z.object({ arm: z.number().int(), name: z.string(), configuration_id: z.uuid(), config: z.record(z.string(), z.unknown()) })),
    error: z.string().nullable(),
    created_at: z.string(),
    finished_at: z.string().nullable(),
    progress: z.object({ runs: z.number().int(), finished: z.number().int(), running_or_pending: z.number().int(), spent_usd: z.number() }),
    arms: z.array(ArmSummarySchema),
    comparisons: z.array(ComparisonSchema),
    verdict: z.object({ final: z.boolean(), winner_arm: z.number().int().nullable(), outcome: OutcomeSchema, summary: z.string() }),
    runs: z
      .array(z.object({ arm: z.number().int(), source_item_id: z.uuid(), item_id: z.uuid(), status: z.string(), accuracy: z.number().nullable(), cost_usd: z.number(), duration_ms: z.number().nullable() }))
      .describe('every (item, arm) run, for per-item charts and links to /queue/{item_id}'),
  })
  .openapi('Experiment');

const ExperimentListSchema = z.array(
  z.object({ id: z.uuid(), name: z.string(), status: z.string(), items: z.number().int(), configurations: z.array(z.string()), created_at: z.string(), finished_at: z.string().nullable() }),
);

async function present(deps: ApiDependencies, experiment: ExperimentRow): Promise<z.infer<typeof ExperimentSchema>> {
  const facts = await experimentRunFacts(deps.pool, experiment.id);
  const analysis = analyseExperiment(experiment.arms, facts, experiment.status !== 'running');
  const finished = facts.filter((run) => ['completed', 'failed', 'cancelled'].includes(run.status)).length;
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

export function experimentRoutes(deps: ApiDependencies) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: '/experiments',
        summary: 'Start an A/B experiment: every item runs under every configuration (the first is the control)',
        request: jsonBody(ExperimentRequestSchema),
        responses: {
          202: json(z.object({ id: z.uuid(), workflow_id: z.string(), status: z.literal('running'), runs: z.number().int() }), 'started'),
          ...ErrorResponses,
        },
      }),
      async (c) => c.json(await startExperiment(deps, c.req.valid('json')), 202),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/experiments',
        summary: 'Experiments, newest first',
        responses: { 200: json(ExperimentListSchema, 'experiments') },
      }),
      async (c) =>
        c.json(
          (await listExperiments(deps.pool)).map((experiment) => ({
            id: experiment.id,
            name: experiment.name,
            status: experiment.status,
            items: experiment.source_item_ids.length,
            configurations: experiment.arms.map((arm) => arm.name),
            created_at: experiment.created_at.toISOString(),
            finished_at: experiment.finished_at?.toISOString() ?? null,
          })),
          200,
        ),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/experiments/{id}',
        summary: 'An experiment: per-configuration accuracy, cost, latency and success with intervals, paired tests and a verdict',
        request: { params: IdParams },
        responses: { 200: json(ExperimentSchema, 'the experiment and its results'), ...ErrorResponses },
      }),
      async (c) => {
        const experiment = await getExperiment(deps.pool, c.req.valid('param').id);
        if (!experiment) throw notFound(`experiment ${c.req.valid('param').id}`);
        return c.json(await present(deps, experiment), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/experiments/{id}/cancel',
        summary: 'Cancel a running experiment and its running extractions',
        request: { params: IdParams },
        responses: { 202: json(z.object({ id: z.uuid(), status: z.literal('cancelling') }), 'cancelling'), ...ErrorResponses },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const experiment = await getExperiment(deps.pool, id);
        if (!experiment) throw notFound(`experiment ${id}`);
        if (experiment.status !== 'running') throw new HttpError(409, 'not_running', `experiment ${id} is ${experiment.status}`);
        try {
          await deps.temporal.workflow.getHandle(experiment.workflow_id).cancel();
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) throw new HttpError(409, 'not_running', `experiment ${id} has no running workflow`);
          throw error;
        }
        return c.json({ id, status: 'cancelling' as const }, 202);
      },
    );
}
