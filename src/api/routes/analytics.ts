import { createRoute, z } from '@hono/zod-openapi';
import { toNumber } from '../../db/pool.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { createRouter, json } from '../router.ts';

const NUMERIC_COLUMNS = [
  'calls', 'successes', 'success_rate', 'avg_latency_ms', 'p95_latency_ms', 'input_tokens', 'output_tokens', 'cost_usd',
  'times_used', 'labelled_runs', 'avg_accuracy', 'avg_cost_usd', 'avg_duration_ms', 'total_cost_usd',
];

/** `pg` returns numeric and bigint columns as strings; the API answers with numbers. */
function numbersOf(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, NUMERIC_COLUMNS.includes(key) ? toNumber(value) : value]));
}

export function analyticsRoutes(deps: ApiDependencies) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/analytics/models',
        summary: 'Per model, provider and stage: calls, success rate, latency, tokens and cost',
        responses: { 200: json(z.array(z.record(z.string(), z.unknown())), 'rows of model_performance_analytics') },
      }),
      async (c) => {
        const result = await deps.pool.query('SELECT * FROM model_performance_analytics ORDER BY cost_usd DESC, model, stage');
        return c.json(result.rows.map(numbersOf), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/analytics/configurations',
        summary: 'Per configuration: times used, accuracy, cost, duration and success rate',
        responses: { 200: json(z.array(z.record(z.string(), z.unknown())), 'rows of configuration_performance') },
      }),
      async (c) => {
        const result = await deps.pool.query('SELECT * FROM configuration_performance ORDER BY times_used DESC, configuration_id');
        return c.json(result.rows.map(numbersOf), 200);
      },
    );
}
