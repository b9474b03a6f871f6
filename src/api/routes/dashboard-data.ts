import { createRoute, z } from '@hono/zod-openapi';
import { temporalUiUrl } from '../../dashboard/temporal-ui.ts';
import { timeRangeAnalytics } from '../../dashboard/time-range-analytics.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { HttpError } from '../errors.ts';
import { createRouter, ErrorResponses, json } from '../router.ts';

const StatusSchema = z.object({
  simulated: z.boolean(),
  temporal_ui_url: z.string(),
  temporal_namespace: z.string(),
  token_required: z.boolean(),
});

const DAY_MS = 86_400_000;

/**
 * What the dashboard needs beyond the contract's routes: whether providers are simulated and where
 * the Temporal UI is (for the badge and the run links), and analytics over a chosen time range.
 */
export function dashboardDataRoutes(deps: ApiDependencies) {
  const status = {
    simulated: deps.simulated,
    temporal_ui_url: temporalUiUrl(),
    temporal_namespace: deps.settings.TEMPORAL_NAMESPACE,
    token_required: Boolean(deps.settings.QUARRY_API_TOKEN),
  };

  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/dashboard/status',
        summary: 'For the dashboard: simulated providers, the Temporal UI address',
        responses: { 200: json(StatusSchema, 'the status'), ...ErrorResponses },
      }),
      (c) => c.json(status, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/dashboard/analytics',
        summary: 'Cost, calls, latency, success and configuration comparison over a time range (default: the last 7 days)',
        request: {
          query: z.strictObject({
            from: z.iso.datetime({ offset: true }).optional(),
            to: z.iso.datetime({ offset: true }).optional(),
          }),
        },
        responses: { 200: json(z.record(z.string(), z.unknown()), 'aggregates over the range'), ...ErrorResponses },
      }),
      async (c) => {
        const query = c.req.valid('query');
        const to = query.to ? new Date(query.to) : new Date(Date.now() + 60_000);
        const from = query.from ? new Date(query.from) : new Date(to.getTime() - 7 * DAY_MS);
        if (from >= to) throw new HttpError(400, 'invalid_range', '`from` must be before `to`');
        return c.json(await timeRangeAnalytics(deps.pool, { from, to }), 200);
      },
    );
}
