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
import { documentRoutes } from './routes/documents.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { modelRoutes } from './routes/models.ts';
import { queueRoutes } from './routes/queue.ts';
import { rateLimitRoutes } from './routes/rate-limits.ts';
import { reviewRoutes } from './routes/review.ts';

/** Every request but an upload: large enough for any configuration or review, small enough that one request cannot exhaust memory. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * `POST /queue` and `/queue/batch` carry documents in base64 (4 characters for 3 bytes): their body
 * may hold one document of the configured largest size, with room for its schema. A document over
 * the size limit inside a body that is not is refused by intake with a 400 that names the limit.
 */
export function intakeBodyBytes(maxDocumentBytes: number): number {
  return Math.max(MAX_BODY_BYTES, Math.ceil((maxDocumentBytes * 4) / 3) + 1024 * 1024);
}

const isIntake = (method: string, path: string) => method === 'POST' && (path === '/queue' || path === '/queue/batch');

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
        // blob: the page viewer shows page images fetched with the session's token.
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
      },
    }),
  );
  const limitOf = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new HttpError(413, 'payload_too_large', `the request body is over ${maxSize} bytes`);
      },
    });
  const intakeLimit = limitOf(intakeBodyBytes(deps.settings.QUARRY_MAX_DOCUMENT_BYTES));
  const otherLimit = limitOf(MAX_BODY_BYTES);
  app.use((c, next) => (isIntake(c.req.method, c.req.path) ? intakeLimit(c, next) : otherLimit(c, next)));

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
  app.route('/', documentRoutes(deps));
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
