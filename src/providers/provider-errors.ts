import { limitsFromHeaders, retryAfterMsFromHeaders } from './rate-limit-headers.ts';
import { ProviderCallError, type CallUsage, type ObservedLimits, type ProviderErrorKind } from './types.ts';

/**
 * Turning an HTTP failure into a `ProviderCallError`, the same way for every SDK. Which failures are
 * retryable decides what Temporal does next: a retryable one is attempted again on the same model
 * (after `retryAfterMs` for a 429), a non-retryable one sends the workflow down the fallback chain.
 */

export function kindForStatus(status: number): { kind: ProviderErrorKind; retryable: boolean } {
  if (status === 429) return { kind: 'rate_limited', retryable: true };
  // 529 is Anthropic's "overloaded"; it clears on its own, like a 429 without the header.
  if (status === 529) return { kind: 'overloaded', retryable: true };
  if (status === 408) return { kind: 'timeout', retryable: true };
  if (status >= 500) return { kind: 'server', retryable: true };
  if (status === 401 || status === 403) return { kind: 'authentication', retryable: false };
  // The model does not exist (any more) at this endpoint: no attempt will find it.
  if (status === 404) return { kind: 'model_not_found', retryable: false };
  // 400, 402, 413, 422 and the rest: the same request can never succeed.
  return { kind: 'invalid_request', retryable: false };
}

// Shapes of provider keys, scrubbed from messages in case an SDK or server echoes one back.
const KEY_PATTERNS = [/sk-[A-Za-z0-9_-]{8,}/g, /AIza[0-9A-Za-z_-]{20,}/g];

/** The message without the client's API key or anything shaped like a provider key. */
export function redactSecrets(message: string, apiKey: string | undefined): string {
  let redacted = apiKey && apiKey.length >= 4 ? message.replaceAll(apiKey, '[redacted]') : message;
  for (const pattern of KEY_PATTERNS) redacted = redacted.replace(pattern, '[redacted]');
  return redacted;
}

export function httpProviderError(
  provider: string,
  details: {
    status: number;
    message: string;
    retryAfterMs?: number | undefined;
    /** The limits a 429 named. */
    limits?: ObservedLimits | undefined;
    /** A 429 that waiting does not cure: the account's quota or spend limit is used up. */
    quotaExhausted?: boolean | undefined;
    latencyMs: number;
    cause: unknown;
  },
): ProviderCallError {
  if (details.status === 429 && details.quotaExhausted) {
    return new ProviderCallError(`${provider} quota is exhausted (HTTP 429): ${details.message}`, {
      kind: 'quota_exhausted',
      retryable: false,
      status: 429,
      latencyMs: details.latencyMs,
      cause: details.cause,
    });
  }
  const { kind, retryable } = kindForStatus(details.status);
  return new ProviderCallError(`${provider} returned HTTP ${details.status}: ${details.message}`, {
    kind,
    retryable,
    status: details.status,
    retryAfterMs: kind === 'rate_limited' || kind === 'overloaded' ? details.retryAfterMs : undefined,
    limits: kind === 'rate_limited' ? details.limits : undefined,
    latencyMs: details.latencyMs,
    cause: details.cause,
  });
}

export function timeoutError(provider: string, timeoutMs: number, latencyMs: number, cause: unknown): ProviderCallError {
  return new ProviderCallError(`${provider} did not answer within ${timeoutMs} ms`, { kind: 'timeout', retryable: true, latencyMs, cause });
}

export function connectionError(provider: string, message: string, latencyMs: number, cause: unknown): ProviderCallError {
  return new ProviderCallError(`cannot reach ${provider}: ${message}`, { kind: 'connection', retryable: true, latencyMs, cause });
}

/**
 * A cut-off answer is never used, however plausible its prefix; its tokens were still billed.
 * Whether another attempt may help is the caller's call: only one with more room can
 * (`outputBudget`), so this is marked retryable and the model call decides.
 */
export function truncatedError(provider: string, usage: CallUsage, latencyMs: number, maxOutputTokens: number): ProviderCallError {
  return new ProviderCallError(`${provider} stopped at the output limit (${maxOutputTokens} tokens); the answer is incomplete`, {
    kind: 'truncated',
    retryable: true,
    usage,
    latencyMs,
  });
}

/** The model declined (a refusal, a content filter, a safety block): it would decline again. */
export function refusedError(provider: string, reason: string, usage: CallUsage, latencyMs: number): ProviderCallError {
  return new ProviderCallError(`${provider} declined to answer: ${reason}`, { kind: 'refused', retryable: false, usage, latencyMs });
}

export function malformedOutputError(provider: string, problem: string, usage: CallUsage, latencyMs: number, cause?: unknown): ProviderCallError {
  return new ProviderCallError(`${provider} answered with malformed output: ${problem}`, {
    kind: 'malformed_output',
    retryable: true,
    usage,
    latencyMs,
    cause,
  });
}

/** True when the caller's own signal ended the call: that is a cancellation, not a provider failure. */
export function abortedByCaller(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** The error classes an SDK generated by Stainless (`openai`, `@anthropic-ai/sdk`) exports. */
export interface StainlessErrorClasses {
  APIError: abstract new (...args: never[]) => Error & {
    status?: number | undefined;
    headers?: { get(name: string): string | null } | undefined;
    error?: unknown;
  };
  APIConnectionError: abstract new (...args: never[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
  APIUserAbortError: abstract new (...args: never[]) => Error;
}

/** OpenAI's `insufficient_quota` and Anthropic's spend limits come as 429s that no wait will cure. */
const QUOTA_CODES = new Set([
  'insufficient_quota',
  'billing_hard_limit_reached',
  'enforced_spend_limit_reached',
  'contract_spend_limit_reached',
  'linked_organization_spend_limit_reached',
]);

function errorCodes(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const record = body as Record<string, unknown>;
  const nested = typeof record['error'] === 'object' && record['error'] !== null ? (record['error'] as Record<string, unknown>) : record;
  const details = typeof nested['details'] === 'object' && nested['details'] !== null ? (nested['details'] as Record<string, unknown>) : {};
  return [nested['code'], nested['type'], details['error_code']].filter((value): value is string => typeof value === 'string');
}

/**
 * Maps a Stainless SDK's failure to a `ProviderCallError`; both SDKs share the hierarchy, each with
 * classes of its own. The caller's own cancellation becomes a `cancelled` error, so the attempt is
 * still logged once and nothing retries it.
 */
export function mapStainlessError(
  provider: string,
  classes: StainlessErrorClasses,
  error: unknown,
  request: { signal?: AbortSignal | undefined; timeoutMs: number },
  latencyMs: number,
  apiKey: string,
): unknown {
  if (abortedByCaller(request.signal)) return cancelledError(provider, latencyMs, error);
  if (error instanceof classes.APIConnectionTimeoutError) return timeoutError(provider, request.timeoutMs, latencyMs, error);
  if (error instanceof classes.APIConnectionError) return connectionError(provider, redactSecrets(error.message, apiKey), latencyMs, error);
  if (error instanceof classes.APIError && typeof error.status === 'number') {
    return httpProviderError(provider, {
      status: error.status,
      message: redactSecrets(error.message, apiKey),
      retryAfterMs: retryAfterMsFromHeaders(error.headers),
      limits: limitsFromHeaders(error.headers),
      quotaExhausted: errorCodes(error.error).some((code) => QUOTA_CODES.has(code)),
      latencyMs,
      cause: error,
    });
  }
  return error;
}

/** The caller cancelled the call (the run was cancelled): not the provider's failure, and not retried. */
export function cancelledError(provider: string, latencyMs: number, cause: unknown): ProviderCallError {
  return new ProviderCallError(`the call to ${provider} was cancelled`, { kind: 'cancelled', retryable: false, latencyMs, cause });
}
