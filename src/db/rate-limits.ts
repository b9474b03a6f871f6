import { z } from 'zod';
import type { RateLimitSetting } from '../config/rate-limits.ts';
import type { Pool } from './pool.ts';
import { numeric, parseRows } from './rows.ts';

/*
 * The providers' rate-limit buckets in PostgreSQL (migration 1764095000000): each call reserves its
 * start in one statement, so every worker of a cluster draws on the same limit. The arithmetic lives
 * in the SQL functions; these are their callers and the tuning they are given.
 */

export const RATE_LIMIT_TUNING = {
  /**
   * How far a bucket may run ahead of its steady rate: half a second's worth of calls (at least one).
   * Providers enforce a minute's limit over shorter periods too (OpenAI: 60,000 a minute "may be
   * enforced as 1,000 a second"), so a limiter that let a whole minute's burst through at once would
   * meet 429s, while calls paced evenly meet none and a backlog loses nothing by it. Half, not all,
   * of a one-second window: a call reaches the provider some time after its start (connecting,
   * a busy event loop), and a later call may get there sooner than an earlier one; the other half
   * second absorbs that.
   */
  burstMs: 500,
  /** After a 429 the learned rate climbs back to the configured one over this long. */
  recoveryMs: 10 * 60_000,
  /** A 429 lowers the rate in force to this share of itself. */
  decrease: 0.8,
  /** At most one decrease this often: the calls refused in the same moment say nothing new. */
  spacingMs: 10_000,
} as const;

/** A bucket a call passes, with the limits this worker's configuration gives it (null: no such limit). */
export type BucketLimit = Pick<RateLimitSetting, 'bucket' | 'provider' | 'model' | 'rpm' | 'tpm'>;

const columns = (buckets: readonly BucketLimit[]) => [
  buckets.map((bucket) => bucket.bucket),
  buckets.map((bucket) => bucket.provider),
  buckets.map((bucket) => bucket.model),
  buckets.map((bucket) => bucket.rpm),
  buckets.map((bucket) => bucket.tpm),
];

const ReservationRow = z.object({ wait_ms: numeric, granted: z.boolean(), start_ms: numeric });

/**
 * Reserves the earliest start for a call of about `tokens` tokens through every bucket, and says how
 * long to wait for it (and the start on the database's clock). When that would be longer than
 * `maxWaitMs`, nothing is reserved (`granted` false) and `waitMs` says how long it would have been.
 */
export async function reserveCapacity(
  pool: Pool,
  buckets: readonly BucketLimit[],
  tokens: number,
  maxWaitMs: number,
): Promise<{ waitMs: number; granted: boolean; startMs: number }> {
  const query = 'SELECT wait_ms, granted, start_ms FROM rate_limit_reserve($1, $2, $3, $4, $5, $6, $7, $8, $9)';
  const result = await pool.query(query, [...columns(buckets), tokens, maxWaitMs, RATE_LIMIT_TUNING.burstMs, RATE_LIMIT_TUNING.recoveryMs]);
  const [row] = parseRows(ReservationRow, result.rows, 'rate_limit_reserve');
  return { waitMs: Math.max(0, row!.wait_ms), granted: row!.granted, startMs: row!.start_ms };
}

/** Moves the token buckets by what a call used beyond (negative: below) what it reserved. */
export async function settleTokens(pool: Pool, buckets: readonly BucketLimit[], tokens: number): Promise<void> {
  await pool.query('SELECT rate_limit_settle($1, $2, $3, $4)', [
    buckets.map((bucket) => bucket.bucket),
    buckets.map((bucket) => bucket.tpm),
    tokens,
    RATE_LIMIT_TUNING.recoveryMs,
  ]);
}

/** What a provider's 429 said: how long to wait, and the limits it named, if any. */
export interface Refusal {
  waitMs?: number | undefined;
  rpm?: number | undefined;
  tpm?: number | undefined;
}

/** A provider refused a call the buckets let through: pause them until its reset and learn a lower rate. */
export async function learnFromRefusal(pool: Pool, buckets: readonly BucketLimit[], refusal: Refusal): Promise<void> {
  await pool.query('SELECT rate_limit_learn($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)', [
    ...columns(buckets),
    refusal.waitMs ?? null,
    refusal.rpm ?? null,
    refusal.tpm ?? null,
    RATE_LIMIT_TUNING.decrease,
    RATE_LIMIT_TUNING.spacingMs,
    RATE_LIMIT_TUNING.recoveryMs,
  ]);
}
