import { createRoute, z } from '@hono/zod-openapi';
import { recommend, STAGES } from '../../analytics/recommendations.ts';
import {
  AnalyticsFiltersSchema,
  ConfigurationPerformanceListSchema,
  ModelPerformanceListSchema,
  PathAccuracyListSchema,
  PathAccuracyQuerySchema,
  RecommendationsQuerySchema,
  RecommendationsSchema,
} from '../../contract/analytics.ts';
import { configurationPerformance } from '../../db/configuration-analytics.ts';
import { pathAccuracy } from '../../db/path-accuracy.ts';
import { labelledEvidence } from '../../db/recommendation-evidence.ts';
import { modelPerformance, modelVolumes } from '../../db/usage-rollups.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { InvalidRequestError } from '../../runs/errors.ts';
import { answers, createRouter } from '../openapi.ts';

type Filters = z.infer<typeof AnalyticsFiltersSchema>;

function timeRange(filters: Filters): { from: Date | undefined; to: Date | undefined } {
  const from = filters.from ? new Date(filters.from) : undefined;
  const to = filters.to ? new Date(filters.to) : undefined;
  if (from && to && from >= to) throw new InvalidRequestError('invalid_range', '`from` must be before `to`');
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
        request: { query: AnalyticsFiltersSchema },
        responses: answers(200, ModelPerformanceListSchema, 'rows of model_performance_analytics for the matching calls'),
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
        request: { query: AnalyticsFiltersSchema },
        responses: answers(200, ConfigurationPerformanceListSchema, 'rows of configuration_performance'),
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
        return c.json(rows, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/analytics/paths',
        summary: 'Accuracy per field path (`/line_items/*/amount`) per configuration and schema, over the labelled completed items, least accurate first',
        description: "Counted from each item's scoring against its ground truth (rescored when a reviewer corrects it). With `experiment_id`, the experiment's items: one row set per arm.",
        request: { query: PathAccuracyQuerySchema },
        responses: answers(200, PathAccuracyListSchema, 'per configuration, schema and path: items, scored values, correct ones, accuracy'),
      }),
      async (c) => {
        const query = c.req.valid('query');
        const rows = await pathAccuracy(deps.pool, { ...timeRange(query), configurationId: query.configuration_id, experimentId: query.experiment_id, limit: query.limit });
        return c.json(rows, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/analytics/recommendations',
        summary: 'Per stage, cheaper models that hold accuracy on paired labelled evidence, with that evidence',
        request: { query: RecommendationsQuerySchema },
        responses: answers(200, RecommendationsSchema, 'recommendations with their evidence'),
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
