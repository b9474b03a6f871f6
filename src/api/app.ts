import { OpenAPIHono } from '@hono/zod-openapi';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { dashboardAppRoutes, isPublicDashboardPath } from './routes/dashboard-app.ts';
import { logger } from '../logger.ts';
import { httpRequests } from '../observability/metrics.ts';
import type { ApiDependencies } from './dependencies.ts';
import { HttpError, onError, validationHook } from './errors.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { configurationRoutes } from './routes/configurations.ts';
import { experimentRoutes } from './routes/experiments.ts';
import { dashboardStatusRoutes } from './routes/dashboard-status.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { modelRoutes } from './routes/models.ts';
import { queueRoutes } from './routes/queue.ts';
import { rateLimitRoutes } from './routes/rate-limits.ts';
import { reviewRoutes } from './routes/review.ts';

/** Large enough for a few-megabyte PDF in base64, small enough that one request cannot exhaust memory. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * The HTTP API: every route validates its input with the zod schema that also documents it in
 * `/openapi.json`, and every error leaves through the single `onError`.
 */
export function createApp(deps: ApiDependencies) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.onError(onError);
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404));

  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const ms = performance.now() - started;
    // The route pattern, not the path: one series per route, whatever ids the paths carry.
    httpRequests.observe({ method: c.req.method, route: c.req.routePath, status: String(c.res.status) }, ms / 1000);
    logger.info({ requestId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(ms) }, 'request');
  });
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
      },
    }),
  );
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new HttpError(413, 'payload_too_large', `the request body is over ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );

  const token = deps.settings.QUARRY_API_TOKEN;
  if (token) {
    const requireToken = bearerAuth({ token });
    // The dashboard's static HTML, JS and CSS hold no data and must load before anyone has signed in
    // (the app asks for the token, keeps it in memory and sends it on every API call): those GETs
    // are public, like /health. Every route that returns data still requires the token.
    const isPublic = (method: string, path: string) => path === '/health' || isPublicDashboardPath(method, path);
    app.use(async (c, next) => (isPublic(c.req.method, c.req.path) ? next() : requireToken(c, next)));
  }

  app.route('/', healthRoutes(deps));
  app.route('/', metricsRoutes());
  app.route('/', modelRoutes(deps));
  app.route('/', queueRoutes(deps));
  app.route('/', configurationRoutes(deps));
  app.route('/', analyticsRoutes(deps));
  app.route('/', experimentRoutes(deps));
  app.route('/', reviewRoutes(deps));
  app.route('/', rateLimitRoutes(deps));
  app.route('/', dashboardStatusRoutes(deps));
  app.route('/', dashboardAppRoutes({ tokenRequired: Boolean(token) }));

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Quarry', version: '0.1.0', description: 'Durable, multi-model LLM document extraction' },
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
