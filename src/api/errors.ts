import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { logger } from '../logger.ts';
import { ConflictError, InvalidRequestError, NotFoundError, RetiredError, UnavailableError, domainErrorOf, type DomainError } from '../runs/errors.ts';

/**
 * An error only HTTP has (a body over the limit): its status, a stable code and a message. Everything
 * the application layer refuses arrives as a domain error instead, mapped below.
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

/** The one place a domain error becomes an HTTP status. */
function statusOf(error: DomainError): ContentfulStatusCode {
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof InvalidRequestError) return 400;
  if (error instanceof RetiredError) return 422;
  if (error instanceof UnavailableError) return 503;
  return 500;
}

export const onError: ErrorHandler = (error, c) => {
  if (error instanceof HttpError) return c.json(errorBody(error.code, error.message, error.details), error.status);
  if (error instanceof HTTPException) {
    // Hono's own 4xx (malformed JSON, a body over the limit, a missing token) keep their status.
    const status = error.status;
    const code = status === 401 ? 'unauthorized' : status === 413 ? 'payload_too_large' : 'invalid_request';
    return c.json(errorBody(code, error.message || 'invalid request'), status as ContentfulStatusCode);
  }
  const domain = domainErrorOf(error);
  // A dependency that is down is not the client's mistake, nor a bug: it is logged, and named.
  if (!domain || domain instanceof UnavailableError) logger.error({ err: error, requestId: c.get('requestId' as never), path: c.req.path }, 'request failed');
  if (domain) return c.json(errorBody(domain.code, domain.message, domain.details), statusOf(domain));
  return c.json(errorBody('internal_error', 'an unexpected error occurred; it has been logged'), 500);
};
