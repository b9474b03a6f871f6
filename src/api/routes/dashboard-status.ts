import { createRoute } from '@hono/zod-openapi';
import { TimeRangeAnalyticsSchema, TimeRangeQuerySchema } from '../../contract/analytics.ts';
import { DashboardStatusSchema } from '../../contract/dashboard-status.ts';
import { timeRangeAnalytics } from '../../db/time-range-analytics.ts';
import { InvalidRequestError } from '../../runs/errors.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { answers, createRouter } from '../openapi.ts';

const DAY_MS = 86_400_000;

/**
 * What the dashboard needs beyond the contract's routes: whether providers are simulated and where
 * the Temporal UI is (for the badge and the run links), and analytics over a chosen time range.
 */
export function dashboardStatusRoutes(deps: ApiDependencies) {
  const status = {
    simulated: deps.simulated,
    temporal_ui_url: deps.settings.QUARRY_TEMPORAL_UI_URL,
    temporal_namespace: deps.settings.TEMPORAL_NAMESPACE,
    token_required: Boolean(deps.settings.QUARRY_API_TOKEN),
  };

  return createRouter()
    .openapi(
      createRoute({ method: 'get', path: '/dashboard/status', summary: 'For the dashboard: simulated providers, the Temporal UI address', responses: answers(200, DashboardStatusSchema, 'the status') }),
      (c) => c.json(status, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/dashboard/analytics',
        summary: 'Cost, calls, latency, success and configuration comparison over a time range (default: the last 7 days)',
        request: { query: TimeRangeQuerySchema },
        responses: answers(200, TimeRangeAnalyticsSchema, 'aggregates over the range'),
      }),
      async (c) => {
        const query = c.req.valid('query');
        const to = query.to ? new Date(query.to) : new Date(Date.now() + 60_000);
        const from = query.from ? new Date(query.from) : new Date(to.getTime() - 7 * DAY_MS);
        if (from >= to) throw new InvalidRequestError('invalid_range', '`from` must be before `to`');
        return c.json(await timeRangeAnalytics(deps.pool, { from, to }), 200);
      },
    );
}
