import { ServiceError, WorkflowNotFoundError } from '@temporalio/client';

/*
 * What can go wrong in a request to the application layer, in its own words. `src/runs` throws
 * these and knows nothing of HTTP; the API's `onError` maps each kind to a status once, and the CLI
 * maps each to a message and an exit code once. `code` is stable (clients branch on it), `message`
 * is for a person, `details` names what is involved.
 */

abstract class RunsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The item, configuration, experiment or run the request names does not exist. */
export class NotFoundError extends RunsError {
  override name = 'NotFoundError';
  constructor(what: string, details?: unknown, options?: ErrorOptions) {
    super('not_found', `${what} not found`, details, options);
  }
}

/** The request is well formed but the state it acts on does not allow it (a run is active, ...). */
export class ConflictError extends RunsError {
  override name = 'ConflictError';
}

/** The request itself is wrong in a way its schema cannot say (an unknown model, a bad correction). */
export class InvalidRequestError extends RunsError {
  override name = 'InvalidRequestError';
}

/**
 * What the request names existed but can no longer be used: a model its provider retired. The
 * request is well formed and was valid once (a saved configuration keeps its models), so the answer
 * says what to change instead of calling it malformed.
 */
export class RetiredError extends RunsError {
  override name = 'RetiredError';
}

/** A service the request needs did not answer; trying again later may work. */
export class UnavailableError extends RunsError {
  override name = 'UnavailableError';
}

/** An item's record names a run that Temporal does not have (its history was deleted, or it ran on another cluster). */
export const runNotFound = (itemId: string, workflowId: string, cause: Error) =>
  new NotFoundError(`the run of queue item ${itemId} (workflow ${workflowId})`, { workflow_id: workflowId }, { cause });

export type DomainError = NotFoundError | ConflictError | InvalidRequestError | RetiredError | UnavailableError;

export const isDomainError = (error: unknown): error is DomainError =>
  error instanceof NotFoundError ||
  error instanceof ConflictError ||
  error instanceof InvalidRequestError ||
  error instanceof RetiredError ||
  error instanceof UnavailableError;

/**
 * The domain error an infrastructure failure stands for, or undefined when it is none (a bug): a
 * workflow Temporal does not know is not found, Temporal or PostgreSQL not answering is unavailable.
 * Nothing of the original message is kept where it may carry an address or a credential.
 */
export function domainErrorOf(error: unknown): DomainError | undefined {
  if (isDomainError(error)) return error;
  if (error instanceof WorkflowNotFoundError) {
    return new NotFoundError(`workflow ${error.workflowId ?? ''}`.trim(), { workflow_id: error.workflowId }, { cause: error });
  }
  if (error instanceof ServiceError) return new UnavailableError('temporal_unavailable', 'Temporal did not answer; try again shortly', undefined, { cause: error });
  if (isConnectionRefused(error)) {
    return new UnavailableError('database_unavailable', 'the database did not answer; try again shortly', undefined, { cause: error });
  }
  return undefined;
}

function isConnectionRefused(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P01' || code === '57P03';
}
