import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ServiceError } from '@temporalio/client';
import type { ZodError } from 'zod';
import { logger } from '../logger.ts';

/**
 * An error meant for the client: its status, a stable machine-readable code and a message a person
 * can act on. Handlers throw it; the single `onError` below renders every error the same way.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** The validation hook for every route: zod issues become one 400 with their paths. */
export function validationHook(result: { success: boolean; error?: ZodError }, c: Context) {
  if (!result.success && result.error) {
    return c.json(errorBody('invalid_request', 'the request does not match its schema', issuesOf(result.error)), 400);
  }
  return undefined;
}

export function issuesOf(error: ZodError) {
  return error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

export const onError: ErrorHandler = (error, c) => {
  if (error instanceof HttpError) return c.json(errorBody(error.code, error.message, error.details), error.status);
  if (error instanceof HTTPException) {
    // Hono's own 4xx (malformed JSON, a body over the limit, a missing token) keep their status.
    const status = error.status;
    const code = status === 401 ? 'unauthorized' : status === 413 ? 'payload_too_large' : 'invalid_request';
    return c.json(errorBody(code, error.message || 'invalid request'), status as ContentfulStatusCode);
  }
  logger.error({ err: error, requestId: c.get('requestId' as never), path: c.req.path }, 'request failed');
  // A dependency that is down is not the client's mistake, nor a bug: say which, and that a retry may work.
  if (error instanceof ServiceError) return c.json(errorBody('temporal_unavailable', 'Temporal did not answer; try again shortly'), 503);
  if (isConnectionRefused(error)) return c.json(errorBody('database_unavailable', 'the database did not answer; try again shortly'), 503);
  return c.json(errorBody('internal_error', 'an unexpected error occurred; it has been logged'), 500);
};

function isConnectionRefused(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P01' || code === '57P03';
}
