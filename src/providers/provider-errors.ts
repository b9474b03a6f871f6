import { ProviderCallError, type ProviderErrorKind } from './types.ts';

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
  // 400, 404, 413, 422 and the rest: the same request can never succeed.
  return { kind: 'invalid_request', retryable: false };
}

/**
 * Retry-After in milliseconds from response headers: `retry-after-ms` (OpenAI's and Anthropic's
 * extension) first, then `retry-after` as delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 */
export function retryAfterMsFromHeaders(
  headers: { get(name: string): string | null } | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && milliseconds.trim() !== '') {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const retryAfter = headers.get('retry-after')?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
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
  details: { status: number; message: string; retryAfterMs?: number | undefined; latencyMs: number; cause: unknown },
): ProviderCallError {
  const { kind, retryable } = kindForStatus(details.status);
  return new ProviderCallError(`${provider} returned HTTP ${details.status}: ${details.message}`, {
    kind,
    retryable,
    status: details.status,
    retryAfterMs: kind === 'rate_limited' || kind === 'overloaded' ? details.retryAfterMs : undefined,
    latencyMs: details.latencyMs,
    cause: details.cause,
  });
}

export function timeoutError(provider: string, timeoutMs: number, latencyMs: number, cause: unknown): ProviderCallError {
  return new ProviderCallError(`${provider} did not answer within ${timeoutMs} ms`, {
    kind: 'timeout',
    retryable: true,
    latencyMs,
    cause,
  });
}

export function connectionError(provider: string, message: string, latencyMs: number, cause: unknown): ProviderCallError {
  return new ProviderCallError(`cannot reach ${provider}: ${message}`, {
    kind: 'connection',
    retryable: true,
    latencyMs,
    cause,
  });
}

/** A cut-off answer is never used, however plausible its prefix; its tokens were still billed. */
export function truncatedError(
  provider: string,
  usage: { inputTokens: number; outputTokens: number; latencyMs: number; maxOutputTokens: number },
): ProviderCallError {
  return new ProviderCallError(
    `${provider} stopped at the output limit (${usage.maxOutputTokens} tokens); the answer is incomplete`,
    { kind: 'truncated', retryable: true, ...usage },
  );
}

export function malformedOutputError(
  provider: string,
  problem: string,
  usage: { inputTokens: number; outputTokens: number; latencyMs: number },
  cause?: unknown,
): ProviderCallError {
  return new ProviderCallError(`${provider} answered with malformed output: ${problem}`, {
    kind: 'malformed_output',
    retryable: true,
    ...usage,
    cause,
  });
}

/** True when the caller's own signal ended the call: that is a cancellation, not a provider failure. */
export function abortedByCaller(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
