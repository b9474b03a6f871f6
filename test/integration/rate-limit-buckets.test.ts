import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { bucketOf } from '../../src/config/rate-limits.ts';
import { createPool, type Pool } from '../../src/db/pool.ts';
import { learnFromRefusal, RATE_LIMIT_TUNING, reserveCapacity, settleTokens, type BucketLimit } from '../../src/db/rate-limits.ts';

// The buckets' arithmetic in PostgreSQL, read through the start times it hands out (on the
// database's clock), so nothing here depends on how fast the machine is. Each test has a provider of
// its own: other files' buckets never meet these.
let pool: Pool;
beforeAll(() => {
  pool = createPool(inject('databaseUrl'));
});
afterAll(async () => {
  await pool.query(`DELETE FROM provider_rate_limits WHERE provider LIKE 'rl-%'`);
  await pool.end();
});

function bucket(limits: { rpm?: number; tpm?: number }, model: string | null = 'm'): BucketLimit {
  const provider = `rl-${randomUUID().slice(0, 8)}`;
  return { bucket: bucketOf(provider, model), provider, model, rpm: limits.rpm ?? null, tpm: limits.tpm ?? null };
}

const FOREVER = 3_600_000;

describe('rate-limit buckets', () => {
  it('lets half a second’s burst start at once, then paces starts evenly at the rate', async () => {
    const limit = bucket({ rpm: 600 }); // one start per 100 ms, a burst of 5
    const reservations: Array<Awaited<ReturnType<typeof reserveCapacity>>> = [];
    for (let n = 0; n < 25; n += 1) reservations.push(await reserveCapacity(pool, [limit], 0, FOREVER));
    expect(reservations.every((reservation) => reservation.granted)).toBe(true);
    const starts = reservations.map((reservation) => reservation.startMs);
    // The first goes when it asks, and so does the rest of the burst unless the machine is so slow
    // that the bucket refilled between them: what holds at any speed is that no starts crowd more
    // than a burst, and that once two calls in a row had to wait, the second starts exactly one
    // interval after the first (the bucket was empty: the next slot is the only one).
    expect(reservations[0]!.waitMs).toBe(0);
    for (let i = 0; i < starts.length; i += 1) {
      for (let k = 6; i + k < starts.length; k += 1) expect(starts[i + k]! - starts[i]!).toBeGreaterThanOrEqual((k - 5) * 100 - 1e-6);
    }
    const pacedPairs = reservations.flatMap((reservation, index) =>
      index > 0 && reservation.waitMs > 0 && reservations[index - 1]!.waitMs > 0 ? [starts[index]! - starts[index - 1]!] : [],
    );
    // 25 calls asked for one after another take far less than the 2 s their starts span.
    expect(pacedPairs.length).toBeGreaterThan(0);
    for (const gap of pacedPairs) expect(gap).toBeCloseTo(100, 6);
  });

  it('never hands out more starts than the rate and one burst allow, however many connections race for them', async () => {
    const limit = bucket({ rpm: 600 }); // 100 ms apart, a burst of 5
    const reservations = await Promise.all(Array.from({ length: 40 }, () => reserveCapacity(pool, [limit], 0, FOREVER)));
    const starts = reservations.map((reservation) => reservation.startMs).sort((a, b) => a - b);
    // Between any two starts k apart, at least k - 5 intervals passed: a lost update would crowd them.
    for (let i = 0; i < starts.length; i += 1) {
      for (let k = 6; i + k < starts.length; k += 1) expect(starts[i + k]! - starts[i]!).toBeGreaterThanOrEqual((k - 5) * 100 - 1e-6);
    }
  });

  it('counts tokens: a large call fits an idle bucket, the next waits until its tokens have passed; settling refunds', async () => {
    const limit = bucket({ tpm: 60_000 }); // one token per millisecond
    const first = await reserveCapacity(pool, [limit], 5000, FOREVER);
    const second = await reserveCapacity(pool, [limit], 5000, FOREVER);
    expect(first.waitMs).toBe(0);
    expect(second.startMs - first.startMs).toBeCloseTo(5000, 0);
    // The second used 1,000 of its 5,000: the next call starts 4 s earlier than it would have.
    await settleTokens(pool, [limit], -4000);
    const third = await reserveCapacity(pool, [limit], 1000, FOREVER);
    expect(third.startMs - second.startMs).toBeCloseTo(1000, 0);
  });

  it('a call passes every bucket that covers it: the slower one sets its start', async () => {
    const model = bucket({ rpm: 6000 });
    const provider: BucketLimit = { ...model, bucket: bucketOf(model.provider, null), model: null, rpm: 600 };
    const starts = [];
    for (let n = 0; n < 10; n += 1) starts.push((await reserveCapacity(pool, [model, provider], 0, FOREVER)).startMs);
    expect(starts[9]! - starts[8]!).toBeCloseTo(100, 6);
  });

  it('does not reserve a start further away than the caller may wait, and holds nothing for it', async () => {
    const limit = bucket({ rpm: 60 }); // one a second, a burst of one
    const first = await reserveCapacity(pool, [limit], 0, FOREVER);
    const refused = await reserveCapacity(pool, [limit], 0, 10);
    expect(refused.granted).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(10);
    const next = await reserveCapacity(pool, [limit], 0, FOREVER);
    expect(next.startMs - first.startMs).toBeCloseTo(1000, 6);
  });

  it('counts the calls waiting for their start', async () => {
    const limit = bucket({ rpm: 60 });
    for (let n = 0; n < 4; n += 1) await reserveCapacity(pool, [limit], 0, FOREVER);
    const { rows } = await pool.query(`SELECT cardinality(waiting_ms) AS waiting FROM provider_rate_limits WHERE bucket = $1`, [limit.bucket]);
    expect(rows[0].waiting).toBe(3);
  });

  it('a 429 pauses the bucket until its reset and learns to run below the limit it named, once per spacing', async () => {
    const limit = bucket({ rpm: 600 });
    await learnFromRefusal(pool, [limit], { waitMs: 2000, rpm: 300 });
    const { rows } = await pool.query(`SELECT learned_rpm, named_rpm, paused_until_ms, extract(epoch FROM learned_at) * 1000 AS learned_ms FROM provider_rate_limits WHERE bucket = $1`, [limit.bucket]);
    expect(rows[0].learned_rpm).toBeCloseTo(300 * RATE_LIMIT_TUNING.decrease, 6);
    expect(rows[0].named_rpm).toBe(300);
    const after = await reserveCapacity(pool, [limit], 0, FOREVER);
    expect(after.startMs).toBeGreaterThanOrEqual(rows[0].paused_until_ms);
    expect(rows[0].paused_until_ms - Number(rows[0].learned_ms)).toBeCloseTo(2000, 0);
    // Refused again at once: the same moment's 429s do not lower the rate twice.
    await learnFromRefusal(pool, [limit], { waitMs: 100 });
    const again = await pool.query(`SELECT learned_rpm FROM provider_rate_limits WHERE bucket = $1`, [limit.bucket]);
    expect(again.rows[0].learned_rpm).toBeCloseTo(300 * RATE_LIMIT_TUNING.decrease, 6);
  });

  it('without a limit named, a 429 lowers the rate in force by the decrease', async () => {
    const limit = bucket({ rpm: 500 });
    await learnFromRefusal(pool, [limit], { waitMs: 0 });
    const { rows } = await pool.query(`SELECT learned_rpm, learned_tpm FROM provider_rate_limits WHERE bucket = $1`, [limit.bucket]);
    expect(rows[0].learned_rpm).toBeCloseTo(500 * RATE_LIMIT_TUNING.decrease, 6);
    // It had no token limit and the provider named none: none is invented.
    expect(rows[0].learned_tpm).toBeNull();
  });

  it('the learned rate climbs back to the configured one over the recovery time, then the configured one holds', async () => {
    const effective = async (configured: number | null, learned: number, agoMs: number, named: number | null = null) => {
      const { rows } = await pool.query(`SELECT rate_limit_effective($1, $2, $3, now() - make_interval(secs => $4 / 1000.0), now(), $5) AS rpm`, [
        configured,
        learned,
        named,
        agoMs,
        RATE_LIMIT_TUNING.recoveryMs,
      ]);
      return rows[0].rpm as number | null;
    };
    const half = RATE_LIMIT_TUNING.recoveryMs / 2;
    expect(await effective(600, 300, 0)).toBeCloseTo(300, 6);
    expect(await effective(600, 300, half)).toBeCloseTo(450, 6);
    expect(await effective(600, 300, RATE_LIMIT_TUNING.recoveryMs)).toBe(600);
    // With no configured rate the learned one doubles over the recovery time, then lapses.
    expect(await effective(null, 300, half)).toBeCloseTo(450, 6);
    expect(await effective(null, 300, RATE_LIMIT_TUNING.recoveryMs + 1)).toBeNull();
    // A limit the provider named is where the climb stops, until the lesson lapses.
    expect(await effective(600, 240, half, 300)).toBeCloseTo(270, 6);
    expect(await effective(600, 240, RATE_LIMIT_TUNING.recoveryMs, 300)).toBe(600);
  });
});
