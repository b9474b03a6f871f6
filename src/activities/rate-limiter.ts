import type { RateLimitSetting } from '../config/rate-limits.ts';
import type { Pool } from '../db/pool.ts';
import { learnFromRefusal, reserveCapacity, settleTokens, type BucketLimit, type Refusal } from '../db/rate-limits.ts';

/** What a call reserved: settled with the tokens it really used once it is over. */
export interface Reservation {
  buckets: readonly BucketLimit[];
  tokens: number;
  /** How long the call waited for its start. */
  waitedMs: number;
}

/** The limits would let the call start only after the attempt's time is up: nothing was reserved. */
export class CapacityTooFarError extends Error {
  override name = 'CapacityTooFarError';
  constructor(readonly waitMs: number) {
    super(`the rate limit would let this call start in ${Math.ceil(waitMs / 1000)} s, later than this attempt may wait`);
  }
}

export interface ReserveOptions {
  /** The longest this attempt may wait and still make its call within its timeout. */
  maxWaitMs: number;
  /** Waits, or throws when the activity is cancelled meanwhile (the activity's `Context.sleep`). */
  sleep: (ms: number) => Promise<void>;
}

interface ModelRef {
  id: string;
  provider: string;
}

/** A re-reservation after a pause began is rare; more than this many in a row means something else is wrong. */
const MAX_RESERVATIONS = 3;

/**
 * The worker's side of the providers' rate limits. Before each call of a model that a configured
 * bucket covers, it reserves a start time in those buckets, waits for it while the activity goes on
 * heartbeating, and after the call settles the tokens. A model no bucket covers costs no round trip
 * and behaves as without limits (a 429 waits for its Retry-After). A 429 through a bucket pauses and
 * slows that bucket for every worker; a call of this worker that was already waiting when it came
 * reserves again rather than start inside the pause.
 */
export class RateLimiter {
  readonly #pool: Pool;
  readonly #limits: readonly RateLimitSetting[];
  /** By bucket: when this worker last saw a 429 through it (this process's clock). */
  readonly #refusedAt = new Map<string, number>();

  constructor(pool: Pool, limits: readonly RateLimitSetting[]) {
    this.#pool = pool;
    this.#limits = limits;
  }

  /** The buckets a call of `model` passes, with this worker's limits for each. */
  bucketsFor(model: ModelRef): BucketLimit[] {
    return this.#limits.filter((limit) => limit.provider === model.provider && (limit.model === null || limit.model === model.id));
  }

  /**
   * Waits until the buckets covering `model` let a call of about `tokens` tokens start, and returns
   * the reservation to settle; undefined when no bucket covers the model. Throws
   * `CapacityTooFarError` when the start is further away than `maxWaitMs`, and the activity's
   * cancellation when the run is cancelled while waiting.
   */
  async reserve(model: ModelRef, tokens: number, options: ReserveOptions): Promise<Reservation | undefined> {
    const buckets = this.bucketsFor(model);
    if (buckets.length === 0) return undefined;
    const started = Date.now();
    for (let round = 1; ; round += 1) {
      const reservedAt = Date.now();
      const { waitMs, granted } = await reserveCapacity(this.#pool, buckets, tokens, options.maxWaitMs - (reservedAt - started));
      if (!granted) throw new CapacityTooFarError(waitMs);
      // A timer may fire a millisecond early; the provider counts the call when it arrives, never before its start.
      if (waitMs > 0) await options.sleep(Math.ceil(waitMs) + 1);
      const paused = buckets.some((bucket) => (this.#refusedAt.get(bucket.bucket) ?? 0) > reservedAt);
      if (!paused || round === MAX_RESERVATIONS) return { buckets, tokens, waitedMs: Date.now() - started };
    }
  }

  /** After the call: what it used beyond or below its reservation moves the token buckets. */
  async settle(reservation: Reservation | undefined, usedTokens: number): Promise<void> {
    const withTokens = reservation?.buckets.filter((bucket) => bucket.tpm !== null) ?? [];
    if (withTokens.length === 0 || usedTokens === reservation!.tokens) return;
    await settleTokens(this.#pool, withTokens, usedTokens - reservation!.tokens);
  }

  /**
   * The provider answered 429 although the buckets let the call through: each of them pauses until
   * the provider's reset and learns a lower rate, for every worker.
   */
  async refused(reservation: Reservation | undefined, refusal: Refusal): Promise<void> {
    if (!reservation) return;
    await learnFromRefusal(this.#pool, reservation.buckets, refusal);
    for (const bucket of reservation.buckets) this.#refusedAt.set(bucket.bucket, Date.now());
  }
}
