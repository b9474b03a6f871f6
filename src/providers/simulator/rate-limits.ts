import { z } from 'zod';
import type { Catalog } from '../catalog.ts';
import { FaultsConfigError } from './faults.ts';

/**
 * Rate limits the simulator enforces, per catalog model id (`QUARRY_SIM_RATE_LIMITS`), e.g.
 * `{"gemini-3.5-flash": {"rpm": 300}}`: requests above the rate are refused with 429 and the wait
 * until one would be let through, in each wire's own way (OpenAI's `x-ratelimit-*` headers,
 * Anthropic's `retry-after`, Gemini's `RetryInfo`), naming the limit as the providers do.
 *
 * A token bucket holding one second's worth of requests, refilled continuously: the way OpenAI says
 * a minute's limit "may be enforced" over shorter periods, so a client that spends a whole minute's
 * requests at once is refused, and one that paces them evenly never is.
 */
export const SimulatorRateLimitsSchema = z.record(z.string().min(1), z.strictObject({ rpm: z.number().positive() }));
export type SimulatorRateLimits = z.infer<typeof SimulatorRateLimitsSchema>;

/** Parses the limits from JSON text (the environment variable) or an already-parsed value, against the catalog. */
export function parseSimulatorRateLimits(input: string | unknown, catalog: Catalog): SimulatorRateLimits {
  let raw = input;
  if (typeof input === 'string') {
    if (input.trim() === '') return {};
    try {
      raw = JSON.parse(input) as unknown;
    } catch (error) {
      throw new FaultsConfigError(`QUARRY_SIM_RATE_LIMITS is not JSON: ${(error as Error).message}`);
    }
  }
  const parsed = SimulatorRateLimitsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new FaultsConfigError(`invalid simulator rate limits: ${problems.join('; ')}`);
  }
  const unknown = Object.keys(parsed.data).filter((id) => !catalog.get(id));
  if (unknown.length > 0) throw new FaultsConfigError(`simulator rate limits name unknown models ${unknown.join(', ')}`);
  return parsed.data;
}

export type Admission = { admitted: true } | { admitted: false; retryAfterMs: number; rpm: number };

/** The buckets' float arithmetic must not refuse a request that arrives exactly on time. */
const EPSILON = 1e-9;

export class SimulatedRateLimits {
  readonly #limits: SimulatorRateLimits;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(limits: SimulatorRateLimits = {}, now: () => number = () => performance.now()) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Admits one request of `modelId` (taking its token) or says how long until one would be admitted. */
  admit(modelId: string): Admission {
    const limit = this.#limits[modelId];
    if (!limit) return { admitted: true };
    const perMs = limit.rpm / 60_000;
    const capacity = Math.max(1, limit.rpm / 60);
    const now = this.#now();
    const bucket = this.#buckets.get(modelId) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.#buckets.set(modelId, bucket);
    if (bucket.tokens >= 1 - EPSILON) {
      bucket.tokens -= 1;
      return { admitted: true };
    }
    return { admitted: false, retryAfterMs: (1 - bucket.tokens) / perMs, rpm: limit.rpm };
  }
}
