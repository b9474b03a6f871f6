import { ApplicationFailure, Context } from '@temporalio/activity';
import { logger as log } from '../logger.ts';
import type { CatalogModel, ProviderCallError } from '../providers/types.ts';
import { providerFailureType } from '../workflows/failure-types.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { CapacityTooFarError, type Reservation } from './rate-limiter.ts';

/*
 * The model call's side of the providers' rate limits (see RateLimiter): wait for a start the
 * buckets allow before the call, settle its tokens after it, and teach the buckets a 429.
 */

/** Room after the call for what the stage still does within its activity (the ledger, storing the answer). */
const AFTER_CALL_MS = 2_000;

/**
 * Waits for the rate limits to let this call of about `tokens` tokens start. The wait happens inside
 * the attempt, heartbeating like the call itself: Cancel ends it at once, and it never runs past the
 * attempt's start-to-close timeout minus the call's own timeout. A start further away than that is
 * not waited for: the attempt fails as rate-limited with that wait as its retry delay, and nothing
 * is held for it.
 */
export async function waitForCapacity(
  deps: ActivityDependencies,
  model: CatalogModel,
  tokens: number,
  timing: { enteredAt: number; callTimeoutMs: number },
): Promise<Reservation | undefined> {
  if (!deps.rateLimiter) return undefined;
  const context = Context.current();
  const spent = performance.now() - timing.enteredAt;
  const maxWaitMs = Math.max(0, context.info.startToCloseTimeoutMs - spent - timing.callTimeoutMs - AFTER_CALL_MS);
  try {
    const reservation = await deps.rateLimiter.reserve(model, tokens, { maxWaitMs, sleep: (ms) => context.sleep(ms) });
    if (reservation && reservation.waitedMs >= 1000) log.debug({ model: model.id, waitedMs: reservation.waitedMs }, 'waited for the rate limit');
    return reservation;
  } catch (error) {
    if (!(error instanceof CapacityTooFarError)) throw error;
    throw ApplicationFailure.create({
      type: providerFailureType('rate_limited'),
      message: `${model.id}: ${error.message}`,
      nextRetryDelay: Math.ceil(error.waitMs),
      details: [{ attempt: context.info.attempt, kind: 'rate_limited', status: null }],
    });
  }
}

/** After the call: the tokens it used settle its reservation. A failure here costs accuracy, never the answer. */
export async function settleCapacity(deps: ActivityDependencies, reservation: Reservation | undefined, usedTokens: number): Promise<void> {
  await deps.rateLimiter?.settle(reservation, usedTokens).catch((error: unknown) => log.warn({ err: error }, 'could not settle a call\'s tokens with its rate limit'));
}

/** A 429 the limits let through: every worker slows down, as far as the provider's answer says. */
export async function learnRateLimit(deps: ActivityDependencies, reservation: Reservation | undefined, error: ProviderCallError): Promise<void> {
  if (error.kind !== 'rate_limited' || !deps.rateLimiter || !reservation) return;
  await deps.rateLimiter
    .refused(reservation, { waitMs: error.retryAfterMs, rpm: error.limits?.rpm, tpm: error.limits?.tpm })
    .catch((failure: unknown) => log.warn({ err: failure }, 'could not record a 429 with the rate limits'));
}
