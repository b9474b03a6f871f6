import { createRoute, z } from '@hono/zod-openapi';
import { renderMetrics } from '../../observability/metrics.ts';
import { createRouter } from '../openapi.ts';

export function metricsRoutes() {
  return createRouter().openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics: provider calls, tokens, cost and latency per model; API requests; the worker runtime',
      responses: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } } },
    }),
    async (c) => c.text(await renderMetrics(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }),
  );
}
