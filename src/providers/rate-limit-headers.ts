/**
 * How long a 429 asks us to wait, from the response headers each provider sends:
 * - `retry-after-ms` (OpenAI's and Anthropic's extension) and `retry-after` as delta-seconds or an
 *   HTTP-date (RFC 9110 §10.2.3);
 * - OpenAI's `x-ratelimit-reset-requests` / `x-ratelimit-reset-tokens`, durations such as `1s`,
 *   `6m0s` or `20ms`: the time until the exhausted limit refills. OpenAI's 429s usually carry only
 *   these. The limit whose `x-ratelimit-remaining-*` is 0 is the one to wait for; when the headers do
 *   not say which, the longer wait is the safe one;
 * - Anthropic's `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-reset`, RFC 3339
 *   times at which that limit is full again, for a 429 without `retry-after` — by the same rule.
 */

interface HeaderBag {
  get(name: string): string | null;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go-style duration (`1h2m3.5s`, `6m0s`, `250ms`) in milliseconds, or undefined. */
export function parseResetDuration(value: string | null | undefined): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) return undefined;
  return Math.round(parts.reduce((total, part) => total + Number(part[1]) * UNIT_MS[part[2]!]!, 0));
}

function explicitRetryAfter(headers: HeaderBag, now: number): number | undefined {
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

function openAIReset(headers: HeaderBag): number | undefined {
  const requests = parseResetDuration(headers.get('x-ratelimit-reset-requests'));
  const tokens = parseResetDuration(headers.get('x-ratelimit-reset-tokens'));
  const exhausted = (name: string) => headers.get(`x-ratelimit-remaining-${name}`)?.trim() === '0';
  if (exhausted('requests') && !exhausted('tokens') && requests !== undefined) return requests;
  if (exhausted('tokens') && !exhausted('requests') && tokens !== undefined) return tokens;
  const known = [requests, tokens].filter((value): value is number => value !== undefined);
  return known.length > 0 ? Math.max(...known) : undefined;
}

const ANTHROPIC_LIMITS = ['requests', 'tokens', 'input-tokens', 'output-tokens'] as const;

function anthropicReset(headers: HeaderBag, now: number): number | undefined {
  const resets = ANTHROPIC_LIMITS.map((name) => {
    const at = Date.parse(headers.get(`anthropic-ratelimit-${name}-reset`) ?? '');
    const exhausted = headers.get(`anthropic-ratelimit-${name}-remaining`)?.trim() === '0';
    return { wait: Number.isNaN(at) ? undefined : Math.max(0, at - now), exhausted };
  }).filter((reset): reset is { wait: number; exhausted: boolean } => reset.wait !== undefined);
  const exhausted = resets.filter((reset) => reset.exhausted);
  const chosen = exhausted.length > 0 ? exhausted : resets;
  return chosen.length > 0 ? Math.max(...chosen.map((reset) => reset.wait)) : undefined;
}

/** The wait in milliseconds a rate-limited response asks for, or undefined when it names none. */
export function retryAfterMsFromHeaders(headers: HeaderBag | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  return explicitRetryAfter(headers, now) ?? openAIReset(headers) ?? anthropicReset(headers, now);
}

function positive(value: string | null | undefined): number | undefined {
  const number = Number(value?.trim() || Number.NaN);
  return Number.isFinite(number) && number > 0 ? number : undefined;
}

/**
 * The per-minute limits a response names: OpenAI's `x-ratelimit-limit-requests` / `-tokens`,
 * Anthropic's `anthropic-ratelimit-requests-limit` and its token limit (the combined one, else the
 * input one, which bounds the combined rate from below).
 */
export function limitsFromHeaders(headers: HeaderBag | undefined): { rpm?: number; tpm?: number } | undefined {
  if (!headers) return undefined;
  const rpm = positive(headers.get('x-ratelimit-limit-requests')) ?? positive(headers.get('anthropic-ratelimit-requests-limit'));
  const tpm =
    positive(headers.get('x-ratelimit-limit-tokens')) ??
    positive(headers.get('anthropic-ratelimit-tokens-limit')) ??
    positive(headers.get('anthropic-ratelimit-input-tokens-limit'));
  if (rpm === undefined && tpm === undefined) return undefined;
  return { ...(rpm === undefined ? {} : { rpm }), ...(tpm === undefined ? {} : { tpm }) };
}
