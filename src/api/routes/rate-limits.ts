import { createRoute } from '@hono/zod-openapi';
import { loadRateLimits } from '../../config/rate-limits.ts';
import { ProviderRateLimitsSchema } from '../../contract/rate-limits.ts';
import { rateLimitOverview } from '../../db/rate-limit-overview.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { answers, createRouter } from '../openapi.ts';

/**
 * The providers' rate limits for the dashboard. The limits are this process's configuration (the
 * deployment gives the API and the workers the same `QUARRY_RATE_LIMITS`); what the calls did to
 * them is the buckets' state in PostgreSQL, which every worker shares.
 */
export function rateLimitRoutes(deps: ApiDependencies) {
  // Read once: a bad configuration fails the API's start, naming the problem, not its first request.
  const limits = loadRateLimits(deps.settings, deps.catalog);
  return createRouter().openapi(
    createRoute({
      method: 'get',
      path: '/rate-limits',
      summary: 'Per provider and model: the rate limits, the calls waiting for capacity and the last minute’s rate',
      responses: answers(200, ProviderRateLimitsSchema, 'every configured or recently used bucket, and every model called in the last minute'),
    }),
    async (c) => c.json({ as_of: new Date().toISOString(), limits: await rateLimitOverview(deps.pool, limits) }, 200),
  );
}
