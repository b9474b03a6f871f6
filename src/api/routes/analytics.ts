import { createRoute, z } from '@hono/zod-openapi';
import { recommend, STAGES } from '../../analytics/recommendations.ts';
import { configurationPerformance } from '../../db/configuration-analytics.ts';
import { labelledEvidence } from '../../db/recommendation-evidence.ts';
import { modelPerformance, modelVolumes } from '../../db/usage-rollups.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { HttpError } from '../errors.ts';
import { createRouter, ErrorResponses, json } from '../router.ts';

const FiltersSchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional().describe('calls (or runs) at or after this time'),
  to: z.iso.datetime({ offset: true }).optional().describe('calls (or runs) before this time'),
  stage: z.enum(STAGES).optional(),
  provider: z.string().min(1).max(50).optional(),
  model: z.string().min(1).max(100).optional(),
  configuration_id: z.uuid().optional(),
});
type Filters = z.infer<typeof FiltersSchema>;

const ModelRowSchema = z
  .object({
    model: z.string(),
    provider: z.string(),
    stage: z.string(),
    calls: z.number(),
    successes: z.number(),
    success_rate: z.number(),
    avg_latency_ms: z.number(),
    p95_latency_ms: z.number().describe('exact below 50 ms, within 4.8 % above (log-bucket histogram)'),
    input_tokens: z.number(),
    output_tokens: z.number(),
    cost_usd: z.number(),
    simulated: z.boolean(),
    first_call_at: z.string(),
    last_call_at: z.string(),
  })
  .openapi('ModelPerformanceRow');

const ConfigurationRowSchema = z
  .object({
    configuration_id: z.uuid(),
    name: z.string().nullable(),
    config: z.record(z.string(), z.unknown()),
    times_used: z.number(),
    labelled_runs: z.number(),
    avg_accuracy: z.number().nullable(),
    avg_cost_usd: z.number().nullable(),
    avg_duration_ms: z.number().nullable(),
    success_rate: z.number().nullable(),
    total_cost_usd: z.number().nullable(),
    updated_at: z.string(),
  })
  .openapi('ConfigurationPerformanceRow');

const EstimateSchema = z.object({ estimate: z.number(), low: z.number(), high: z.number() });
const RateSchema = z.object({ rate: z.number(), calls: z.number(), ci: z.object({ low: z.number(), high: z.number() }) }).nullable();
const RecommendationsSchema = z
  .object({
    generated_at: z.string(),
    window: z.object({ from: z.string(), to: z.string(), days: z.number() }),
    max_accuracy_loss: z.number(),
    min_pairs: z.number(),
    labelled_runs: z.number().describe('labelled completed runs the evidence was drawn from'),
    recommendations: z.array(z.object({ stage: z.string(), from_model: z.string(), to_model: z.string(), summary: z.string(), usd_per_30_days: z.number().nullable() })),
    stages: z.array(
      z.object({
        stage: z.string(),
        current_model: z.string().nullable(),
        current_stage_runs_per_30_days: z.number(),
        candidates: z.array(
          z.object({
            model: z.string(),
            decision: z.enum(['switch', 'keep', 'insufficient_evidence']),
            reason: z.string(),
            evidence: z.object({
              pairs: z.number(),
              accuracy_current: z.number().nullable(),
              accuracy_candidate: z.number().nullable(),
              accuracy_difference: EstimateSchema.nullable(),
              cost_per_item_current: z.number().nullable(),
              cost_per_item_candidate: z.number().nullable(),
              cost_difference_per_item: EstimateSchema.nullable(),
              latency_ms_current: z.number().nullable(),
              latency_ms_candidate: z.number().nullable(),
              latency_difference_ms: EstimateSchema.nullable(),
              failure_rate_current: RateSchema,
              failure_rate_candidate: RateSchema,
            }),
            projected_saving: z
              .object({ per_item_usd: z.number(), stage_runs_per_30_days: z.number(), usd_per_30_days: z.number(), usd_per_30_days_ci: z.object({ low: z.number(), high: z.number() }) })
              .nullable(),
          }),
        ),
      }),
    ),
  })
  .openapi('Recommendations');

function timeRange(filters: Filters): { from: Date | undefined; to: Date | undefined } {
  const from = filters.from ? new Date(filters.from) : undefined;
  const to = filters.to ? new Date(filters.to) : undefined;
  if (from && to && from >= to) throw new HttpError(400, 'invalid_range', '`from` must be before `to`');
  return { from, to };
}

/**
 * The newest labelled runs of the window that recommendations draw their evidence from: enough pairs
 * for the intervals, and a bound on a request's work (the evidence query's time grows with it).
 */
const EVIDENCE_RUNS = 20_000;

export function analyticsRoutes(deps: ApiDependencies) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/analytics/models',
        summary: 'Per model, provider and stage: calls, success rate, latency, tokens and cost (rows of model_performance_analytics, filtered)',
        request: { query: FiltersSchema },
        responses: { 200: json(z.array(ModelRowSchema), 'rows of model_performance_analytics for the matching calls'), ...ErrorResponses },
      }),
      async (c) => {
        const filters = c.req.valid('query');
        const rows = await modelPerformance(deps.pool, {
          ...timeRange(filters),
          stage: filters.stage,
          provider: filters.provider,
          model: filters.model,
          configurationId: filters.configuration_id,
        });
        return c.json(rows, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/analytics/configurations',
        summary: 'Per configuration: times used, accuracy, cost, duration and success rate (rows of configuration_performance, filtered)',
        description:
          'With `from`/`to`, the aggregates are over the runs that finished in that range. `model` (or `provider`) keeps configurations that name that model (or any model of that provider), in `stage` when given.',
        request: { query: FiltersSchema },
        responses: { 200: json(z.array(ConfigurationRowSchema), 'rows of configuration_performance'), ...ErrorResponses },
      }),
      async (c) => {
        const filters = c.req.valid('query');
        const models = filters.model
          ? [filters.model]
          : filters.provider
            ? deps.catalog.list().filter((model) => model.provider === filters.provider).map((model) => model.id)
            : undefined;
        if (models && models.length === 0) return c.json([], 200);
        const rows = await configurationPerformance(deps.pool, { ...timeRange(filters), configurationId: filters.configuration_id, models, stage: filters.stage });
        return c.json(rows as Array<z.infer<typeof ConfigurationRowSchema>>, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/analytics/recommendations',
        summary: 'Per stage, cheaper models that hold accuracy on paired labelled evidence, with that evidence',
        request: {
          query: z.strictObject({
            days: z.coerce.number().int().min(1).max(365).default(30).describe('the window of runs and calls the evidence is drawn from'),
            stage: z.enum(STAGES).optional(),
            max_accuracy_loss: z.coerce.number().min(0).max(0.5).default(0.02).describe('the accuracy a switch may give up (non-inferiority margin)'),
            min_pairs: z.coerce.number().int().min(2).max(10_000).default(20),
          }),
        },
        responses: { 200: json(RecommendationsSchema, 'recommendations with their evidence'), ...ErrorResponses },
      }),
      async (c) => {
        const query = c.req.valid('query');
        const to = new Date();
        const from = new Date(to.getTime() - query.days * 86_400_000);
        const [evidence, volumes] = await Promise.all([
          labelledEvidence(deps.pool, from, EVIDENCE_RUNS),
          modelVolumes(deps.pool, { from, to, stage: query.stage }),
        ]);
        const stages = recommend(evidence, volumes, { maxAccuracyLoss: query.max_accuracy_loss, minPairs: query.min_pairs, windowDays: query.days }, query.stage ? [query.stage] : STAGES);
        return c.json(
          {
            generated_at: to.toISOString(),
            window: { from: from.toISOString(), to: to.toISOString(), days: query.days },
            max_accuracy_loss: query.max_accuracy_loss,
            min_pairs: query.min_pairs,
            labelled_runs: evidence.runs,
            recommendations: stages.flatMap((stage) =>
              stage.candidates
                .filter((candidate) => candidate.decision === 'switch')
                .map((candidate) => ({
                  stage: stage.stage,
                  from_model: stage.current_model!,
                  to_model: candidate.model,
                  summary: candidate.reason,
                  usd_per_30_days: candidate.projected_saving?.usd_per_30_days ?? null,
                })),
            ),
            stages,
          },
          200,
        );
      },
    );
}
