import { OpenAPIHono } from '@hono/zod-openapi';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { logger } from '../logger.ts';
import type { ApiDependencies } from './dependencies.ts';
import { HttpError, onError, validationHook } from './errors.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { configurationRoutes } from './routes/configurations.ts';
import { healthRoutes } from './routes/health.ts';
import { modelRoutes } from './routes/models.ts';
import { queueRoutes } from './routes/queue.ts';

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
    logger.info(
      { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
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
    app.use(async (c, next) => (c.req.path === '/health' ? next() : requireToken(c, next)));
  }

  app.route('/', healthRoutes(deps));
  app.route('/', modelRoutes(deps));
  app.route('/', queueRoutes(deps));
  app.route('/', configurationRoutes(deps));
  app.route('/', analyticsRoutes(deps));

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Quarry', version: '0.1.0', description: 'Durable, multi-model LLM document extraction' },
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
