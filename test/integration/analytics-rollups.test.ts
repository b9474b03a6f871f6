import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { generateSyntheticLedger } from '../../src/analytics/synthetic-ledger.ts';
import { createPool, type Pool, type PoolClient } from '../../src/db/pool.ts';
import { refreshUsageRollups } from '../../src/db/usage-rollup-refresh.ts';
import { LATENCY_EDGES_MS, usageOverTime } from '../../src/db/usage-over-time.ts';
import { modelPerformance, type UsageFilters } from '../../src/db/usage-rollups.ts';

// The rows of this file live in a year no other test writes to, under providers of their own, so
// that the direct aggregate and the roll-up query see the same calls while other files run. A future
// year: its hours are within the minute and second roll-ups (which keep the last day, and the last
// hour or two, and on), so edges are read by second; the test of older hours uses a past year, the
// test of edges read by minute the hours between a day and a few hours ago.
const YEAR = 2031 + Math.floor(Math.random() * 40);
const at = (iso: string) => new Date(`${YEAR}-${iso}`);
const PROVIDER = `rollup-${randomUUID().slice(0, 8)}`;
const CONFIGS = [randomUUID(), randomUUID(), randomUUID()];
const MODELS: Array<{ id: string; provider: any }> = [
  { id: 'model-a', provider: PROVIDER },
  { id: 'model-b', provider: PROVIDER },
  { id: 'model-c', provider: `${PROVIDER}-x` },
];

/** What model_performance_analytics computes, over the same calls, straight from the ledger. */
async function directAggregate(pool: Pool | PoolClient, filters: UsageFilters, leftOut: Array<[bigint, bigint]> = []) {
  const result = await pool.query(
    `SELECT model, provider, stage, count(*)::bigint AS calls, count(*) FILTER (WHERE success)::bigint AS successes,
            round(avg(success::int)::numeric, 5) AS success_rate, round(avg(response_time_ms)::numeric, 2) AS avg_latency_ms,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY response_time_ms) AS p95_latency_ms,
            sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens, sum(cost_usd) AS cost_usd,
            bool_or(simulated) AS simulated, min(created_at) AS first_call_at, max(created_at) AS last_call_at
       FROM model_usage
      WHERE created_at >= $1 AND created_at < $2 AND provider LIKE $3
        AND ($4::uuid IS NULL OR configuration_id = $4) AND ($5::text IS NULL OR stage = $5) AND ($6::text IS NULL OR model = $6)
        AND NOT EXISTS (SELECT 1 FROM unnest($7::bigint[], $8::bigint[]) AS out(first_id, last_id) WHERE id BETWEEN out.first_id AND out.last_id)
      GROUP BY model, provider, stage
      ORDER BY cost_usd DESC, model, stage`,
    [filters.from, filters.to, `${PROVIDER}%`, filters.configurationId ?? null, filters.stage ?? null, filters.model ?? null, leftOut.map(([first]) => first.toString()), leftOut.map(([, last]) => last.toString())],
  );
  return result.rows.map((row) => ({
    model: row.model,
    provider: row.provider,
    stage: row.stage,
    calls: Number(row.calls),
    successes: Number(row.successes),
    success_rate: Number(row.success_rate),
    avg_latency_ms: Number(row.avg_latency_ms),
    p95_latency_ms: Number(row.p95_latency_ms),
    input_tokens: Number(row.input_tokens),
    output_tokens: Number(row.output_tokens),
    cost_usd: Number(row.cost_usd),
    simulated: row.simulated,
    first_call_at: row.first_call_at.toISOString(),
    last_call_at: row.last_call_at.toISOString(),
  }));
}

/** A refresh that found another one running did nothing: wait for ours to run, to the end of the backlog. */
async function refresh(pool: Pool) {
  for (;;) {
    const outcome = await refreshUsageRollups(pool);
    if (outcome.ran && outcome.caughtUp) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Ids of pending ranges that overlap the range (ledger rows not rolled up yet). */
async function pendingIn(pool: Pool, range: { from: Date; to: Date }) {
  const result = await pool.query('SELECT count(*)::int AS n FROM usage_rollup_pending WHERE last_call_at >= $1 AND first_call_at < $2', [range.from, range.to]);
  return result.rows[0].n as number;
}

/** Recomputing every hour of the range from the ledger gives the very roll-up rows the additions built. */
async function expectRebuildIdentical(pool: Pool, range: { from: Date; to: Date }) {
  const rows = async (table: string) =>
    (await pool.query(`SELECT * FROM ${table} WHERE period_start >= $1 AND period_start < $2 AND provider LIKE $3 ORDER BY 1, 2, 3, 4, 5`, [range.from, range.to, `${PROVIDER}%`])).rows;
  const tables = ['usage_rollup_hourly', 'usage_rollup_daily', 'usage_rollup_minutely', 'usage_rollup_secondly'];
  const before = await Promise.all(tables.map(rows));
  for (const table of before) expect(table.length).toBeGreaterThan(0);
  await pool.query(`INSERT INTO usage_rollup_dirty (hour) SELECT generate_series($1::timestamptz, $2::timestamptz - interval '1 hour', interval '1 hour')`, [range.from, range.to]);
  await refresh(pool);
  expect(await Promise.all(tables.map(rows))).toEqual(before);
}

async function viaRollups(pool: Pool, filters: UsageFilters) {
  const rows = await modelPerformance(pool, filters);
  return rows.filter((row) => row.provider.startsWith(PROVIDER));
}

/** Equal in every column; p95 within the histogram's 4.8 % (exact when both latencies it interpolates are below 50 ms). */
function expectSame(actual: Awaited<ReturnType<typeof viaRollups>>, expected: Awaited<ReturnType<typeof directAggregate>>) {
  expect(actual.map((row) => [row.model, row.stage])).toEqual(expected.map((row) => [row.model, row.stage]));
  actual.forEach((row, index) => {
    const want = expected[index]!;
    const { p95_latency_ms: p95, ...rest } = row;
    const { p95_latency_ms: wantP95, ...wantRest } = want;
    expect(rest).toEqual(wantRest);
    // percentile_cont interpolates between two latencies; each is read exactly below 50 ms and within
    // 4.8 % above, so the interpolation is too.
    expect(Math.abs(p95 - wantP95)).toBeLessThanOrEqual(0.048 * wantP95 + 1e-9);
  });
}

describe('analytics roll-ups', () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = createPool(inject('databaseUrl'));
    // Three days and a bit of calls, then a refresh: most hours are rolled up.
    await generateSyntheticLedger(pool, { rows: 20_000, from: at('03-01T00:00:00Z'), to: at('03-04T05:30:00Z'), tag: `t-${randomUUID()}`, models: MODELS, configurations: CONFIGS });
    await refresh(pool);
  });
  afterAll(async () => pool?.end());

  const ranges: Array<[string, UsageFilters]> = [
    ['whole days and the partial day after them', { from: at('03-01T00:00:00Z'), to: at('03-05T00:00:00Z') }],
    ['ragged edges inside hours', { from: at('03-01T07:13:27.5Z'), to: at('03-03T19:48:01Z') }],
    ['within one hour', { from: at('03-02T10:05:00Z'), to: at('03-02T10:55:00Z') }],
    ['hour-aligned, crossing midnight', { from: at('03-02T20:00:00Z'), to: at('03-03T04:00:00Z') }],
  ];

  for (const [name, range] of ranges) {
    it(`equals the direct aggregate over the ledger: ${name}`, async () => {
      expectSame(await viaRollups(pool, range), await directAggregate(pool, range));
    });
  }

  it('equals it for a burst within one hour, with edges inside its minutes (read by second)', async () => {
    await generateSyntheticLedger(pool, { rows: 30_000, from: at('06-01T10:00:00Z'), to: at('06-01T11:00:00Z'), tag: `burst-${randomUUID()}`, models: MODELS, configurations: CONFIGS });
    await refresh(pool);
    for (const range of [
      { from: at('06-01T10:47:31.25Z'), to: at('06-02T00:00:00Z') },
      { from: at('06-01T09:00:00Z'), to: at('06-01T10:12:05.5Z') },
      { from: at('06-01T10:20:40Z'), to: at('06-01T10:20:50Z') },
    ]) {
      expectSame(await viaRollups(pool, range), await directAggregate(pool, range));
      expectSame(await viaRollups(pool, { ...range, stage: 'extract' }), await directAggregate(pool, { ...range, stage: 'extract' }));
      expectSame(await viaRollups(pool, { ...range, configurationId: CONFIGS[2] }), await directAggregate(pool, { ...range, configurationId: CONFIGS[2] }));
    }
  });

  it('equals it for a burst within two minutes, with edges inside its seconds (read from the ledger by second)', async () => {
    // 100 calls a second: an edge inside a second reads that second's calls of the straddling groups.
    await generateSyntheticLedger(pool, { rows: 12_000, from: at('06-03T10:20:00Z'), to: at('06-03T10:22:00Z'), tag: `seconds-${randomUUID()}`, models: MODELS, configurations: CONFIGS });
    await refresh(pool);
    const seconds = await pool.query('SELECT count(DISTINCT period_start)::int AS n FROM usage_rollup_secondly WHERE period_start >= $1 AND period_start < $2 AND provider LIKE $3', [
      at('06-03T10:20:00Z'), at('06-03T10:22:00Z'), `${PROVIDER}%`,
    ]);
    expect(seconds.rows[0].n).toBe(120);
    for (const range of [
      { from: at('06-03T10:20:17.25Z'), to: at('06-03T11:00:00Z') },
      { from: at('06-03T10:00:00Z'), to: at('06-03T10:21:42.875Z') },
      { from: at('06-03T10:20:17.25Z'), to: at('06-03T10:21:03.5Z') },
      { from: at('06-03T10:20:17.25Z'), to: at('06-03T10:20:17.75Z') },
      { from: at('06-03T10:20:59.5Z'), to: at('06-03T10:21:00.5Z') },
    ]) {
      expectSame(await viaRollups(pool, range), await directAggregate(pool, range));
      expectSame(await viaRollups(pool, { ...range, stage: 'review' }), await directAggregate(pool, { ...range, stage: 'review' }));
      expectSame(await viaRollups(pool, { ...range, configurationId: CONFIGS[1] }), await directAggregate(pool, { ...range, configurationId: CONFIGS[1] }));
    }
    // Calls arriving late, into seconds already rolled up: read from their pending range, then added.
    await generateSyntheticLedger(pool, { rows: 300, from: at('06-03T10:20:10Z'), to: at('06-03T10:20:30Z'), tag: `seconds-late-${randomUUID()}`, models: MODELS, configurations: CONFIGS });
    const range = { from: at('06-03T10:20:17.25Z'), to: at('06-03T10:21:03.5Z') };
    expect(await pendingIn(pool, range)).toBeGreaterThan(0);
    expectSame(await viaRollups(pool, range), await directAggregate(pool, range));
    await refresh(pool);
    expectSame(await viaRollups(pool, range), await directAggregate(pool, range));
    await expectRebuildIdentical(pool, { from: at('06-03T00:00:00Z'), to: at('06-04T00:00:00Z') });
  });

  it('equals it where edges fall in hours with minute rows but no second rows (read from the ledger by minute)', async () => {
    // Hours between the second roll-up's start (the last hour or two) and the minute roll-up's (a day ago).
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const hoursAgo = (hours: number, ms = 0) => new Date(hour - hours * 3_600_000 + ms);
    await generateSyntheticLedger(pool, { rows: 6_000, from: hoursAgo(10), to: hoursAgo(4), tag: `recent-${randomUUID()}`, models: MODELS, configurations: CONFIGS });
    await refresh(pool);
    const count = async (table: string) =>
      (await pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE period_start >= $1 AND period_start < $2 AND provider LIKE $3`, [hoursAgo(10), hoursAgo(4), `${PROVIDER}%`])).rows[0].n;
    expect(await count('usage_rollup_minutely')).toBeGreaterThan(0);
    expect(await count('usage_rollup_secondly')).toBe(0);
    for (const range of [
      { from: hoursAgo(9, 437_250), to: hoursAgo(5, 1_921_500) },
      { from: hoursAgo(7, 65_125), to: hoursAgo(7, 68_900) },
    ]) {
      expectSame(await viaRollups(pool, range), await directAggregate(pool, range));
      expectSame(await viaRollups(pool, { ...range, configurationId: CONFIGS[0] }), await directAggregate(pool, { ...range, configurationId: CONFIGS[0] }));
    }
  });

  it('equals it where edges fall in hours older than the minute roll-up (read from the ledger by hour)', async () => {
    const past = 2001 + Math.floor(Math.random() * 20);
    const old = (iso: string) => new Date(`${past}-${iso}`);
    await generateSyntheticLedger(pool, { rows: 6_000, from: old('03-01T00:00:00Z'), to: old('03-03T05:30:00Z'), tag: `old-${randomUUID()}`, models: MODELS, configurations: CONFIGS });
    const minutes = await pool.query('SELECT count(*)::int AS n FROM usage_rollup_minutely WHERE period_start >= $1 AND period_start < $2', [old('03-01T00:00:00Z'), old('03-04T00:00:00Z')]);
    await refresh(pool);
    expect(minutes.rows[0].n).toBe(0);
    for (const table of ['usage_rollup_minutely', 'usage_rollup_secondly']) {
      expect((await pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE period_start >= $1 AND period_start < $2`, [old('03-01T00:00:00Z'), old('03-04T00:00:00Z')])).rows[0].n).toBe(0);
    }
    for (const range of [
      { from: old('03-01T07:13:27.5Z'), to: old('03-02T19:48:01Z') },
      { from: old('03-02T10:05:00Z'), to: old('03-02T10:55:00Z') },
    ]) {
      expectSame(await viaRollups(pool, range), await directAggregate(pool, range));
      expectSame(await viaRollups(pool, { ...range, configurationId: CONFIGS[0] }), await directAggregate(pool, { ...range, configurationId: CONFIGS[0] }));
    }
  });

  it('equals it with every filter: stage, model, provider, configuration', async () => {
    const range = { from: at('03-01T03:30:00Z'), to: at('03-04T02:00:00Z') };
    for (const filters of [
      { ...range, stage: 'extract' },
      { ...range, model: 'model-b' },
      { ...range, configurationId: CONFIGS[1] },
      { ...range, configurationId: CONFIGS[2], stage: 'review', model: 'model-c' },
    ]) {
      expectSame(await viaRollups(pool, filters), await directAggregate(pool, filters));
    }
    const byProvider = await modelPerformance(pool, { ...range, provider: `${PROVIDER}-x` });
    expect(byProvider.every((row) => row.model === 'model-c')).toBe(true);
    expect(byProvider.length).toBeGreaterThan(0);
  });

  it('stays equal when calls land in rolled-up hours (read from their pending ranges until the next refresh)', async () => {
    const range = { from: at('03-01T00:00:00Z'), to: at('03-05T00:00:00Z') };
    await generateSyntheticLedger(pool, { rows: 3_000, from: at('03-02T06:00:00Z'), to: at('03-02T09:00:00Z'), tag: `late-${randomUUID()}`, models: MODELS, configurations: CONFIGS });
    expect(await pendingIn(pool, range)).toBeGreaterThan(0);
    expectSame(await viaRollups(pool, range), await directAggregate(pool, range));

    await refresh(pool);
    expect(await pendingIn(pool, range)).toBe(0);
    expectSame(await viaRollups(pool, range), await directAggregate(pool, range));
    await expectRebuildIdentical(pool, range);
  });

  it('stays equal when rolled-up calls are changed or deleted (their hours are recomputed)', async () => {
    const range = { from: at('03-01T00:00:00Z'), to: at('03-05T00:00:00Z') };
    await refresh(pool);
    // Slower, moved to another day, and gone: each marks the hours it touched.
    await pool.query(`UPDATE model_usage SET response_time_ms = response_time_ms * 3 + 7 WHERE provider LIKE $1 AND created_at >= $2 AND created_at < $3`, [
      `${PROVIDER}%`, at('03-01T10:00:00Z'), at('03-01T10:30:00Z'),
    ]);
    await pool.query(`UPDATE model_usage SET created_at = created_at + interval '1 day 30 minutes' WHERE provider LIKE $1 AND created_at >= $2 AND created_at < $3`, [
      `${PROVIDER}%`, at('03-02T13:00:00Z'), at('03-02T13:20:00Z'),
    ]);
    await pool.query(`DELETE FROM model_usage WHERE provider LIKE $1 AND created_at >= $2 AND created_at < $3 AND stage = 'validate'`, [
      `${PROVIDER}%`, at('03-03T01:00:00Z'), at('03-03T03:00:00Z'),
    ]);
    // An update of a column no roll-up holds marks nothing.
    const before = await pool.query('SELECT count(*)::int AS n FROM usage_rollup_dirty');
    await pool.query(`UPDATE model_usage SET finish_reason = 'stop' WHERE provider LIKE $1 AND created_at >= $2 AND created_at < $3`, [`${PROVIDER}%`, at('03-01T20:00:00Z'), at('03-01T21:00:00Z')]);
    expect((await pool.query('SELECT count(*)::int AS n FROM usage_rollup_dirty')).rows[0].n).toBe(before.rows[0].n);

    for (const filters of [range, { from: at('03-01T09:47:00Z'), to: at('03-03T13:01:00Z') }, { ...range, stage: 'validate' }]) {
      expectSame(await viaRollups(pool, filters), await directAggregate(pool, filters));
    }
    await refresh(pool);
    expectSame(await viaRollups(pool, range), await directAggregate(pool, range));
    await expectRebuildIdentical(pool, range);
  });

  it('reads at most the cap of a backlog: beyond it, the answer leaves out the newest ids until they are rolled up', async () => {
    const range = { from: at('03-06T00:00:00Z'), to: at('03-07T00:00:00Z') };
    await refresh(pool);
    await generateSyntheticLedger(pool, { rows: 2_000, from: range.from, to: at('03-06T12:00:00Z'), tag: `early-${randomUUID()}`, models: MODELS, configurations: CONFIGS });
    await refresh(pool);
    await generateSyntheticLedger(pool, { rows: 4_000, from: at('03-06T06:00:00Z'), to: at('03-06T20:00:00Z'), tag: `bulk-${randomUUID()}`, models: MODELS, configurations: CONFIGS });
    // In one snapshot (a refresh may run beside this test): the pending ranges, taken in id order up
    // to 500 ids, and what lies past them, which the capped answer leaves out.
    const client = await pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const pending = await client.query<{ first_id: string; last_id: string }>(
        'SELECT first_id, last_id FROM usage_rollup_pending WHERE last_call_at >= $1 AND first_call_at < $2 ORDER BY first_id',
        [range.from, range.to],
      );
      let budget = 500n;
      const leftOut: Array<[bigint, bigint]> = [];
      for (const row of pending.rows) {
        const [first, last] = [BigInt(row.first_id), BigInt(row.last_id)];
        if (budget > last - first) budget -= last - first + 1n;
        else {
          leftOut.push([first + budget, last]);
          budget = 0n;
        }
      }
      expect(leftOut.length).toBeGreaterThan(0);
      const capped = (await modelPerformance(client, range, { pendingCap: 500 })).filter((row) => row.provider.startsWith(PROVIDER));
      expectSame(capped, await directAggregate(client, range, leftOut));
      expect(capped.reduce((sum, row) => sum + row.calls, 0)).toBeLessThan((await directAggregate(client, range)).reduce((sum, row) => sum + row.calls, 0));
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expectSame(await viaRollups(pool, range), await directAggregate(pool, range));
  });

  it('counts every call exactly once when calls arrive while a refresh works in small chunks', async () => {
    const range = { from: at('03-08T00:00:00Z'), to: at('03-09T00:00:00Z') };
    await generateSyntheticLedger(pool, { rows: 6_000, from: range.from, to: at('03-08T23:00:00Z'), tag: `chunked-${randomUUID()}`, models: MODELS, configurations: CONFIGS });
    const writers = Array.from({ length: 4 }, async (_, writer) => {
      for (let i = 0; i < 60; i += 1) {
        await generateSyntheticLedger(pool, { rows: 1 + (i % 3), from: at(`03-08T0${writer}:10:00Z`), to: at(`03-08T0${writer}:50:00Z`), tag: `w${writer}-${i}-${randomUUID()}`, models: MODELS, configurations: CONFIGS });
      }
    });
    const refreshes = (async () => {
      for (let i = 0; i < 20; i += 1) await refreshUsageRollups(pool, { chunkIds: 700 });
    })();
    await Promise.all([...writers, refreshes]);
    await refresh(pool);
    expectSame(await viaRollups(pool, range), await directAggregate(pool, range));
    await expectRebuildIdentical(pool, range);
  });

  it("gives the dashboard's charts (per model, latency histogram, hourly and daily timeline) as the ledger does", async () => {
    await refresh(pool);
    // Some calls not rolled up yet, and a range with ragged edges.
    await generateSyntheticLedger(pool, { rows: 500, from: at('03-02T16:00:00Z'), to: at('03-02T18:00:00Z'), tag: `dash-${randomUUID()}`, models: MODELS, configurations: CONFIGS });
    for (const [range, step] of [
      [{ from: at('03-01T05:17:00Z'), to: at('03-03T05:00:00Z') }, 'day'],
      [{ from: at('03-02T07:31:00Z'), to: at('03-03T02:05:00Z') }, 'hour'],
    ] as const) {
      const usage = await usageOverTime(pool, range, step);
      const direct = await pool.query(
        `SELECT model, provider, count(*)::int AS calls, count(*) FILTER (WHERE success)::int AS successes, sum(cost_usd)::float8 AS cost_usd,
                sum(input_tokens)::int AS input_tokens, sum(output_tokens)::int AS output_tokens, round(avg(response_time_ms))::int AS avg_latency_ms,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY response_time_ms) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY response_time_ms) AS p95
           FROM model_usage WHERE created_at >= $1 AND created_at < $2 GROUP BY model, provider ORDER BY sum(cost_usd) DESC, model, provider`,
        [range.from, range.to],
      );
      expect(usage.models.map(({ p50_latency_ms: _p50, p95_latency_ms: _p95, ...row }) => row)).toEqual(direct.rows.map(({ p50: _p50, p95: _p95, ...row }) => row));
      usage.models.forEach((row, index) => {
        expect(Math.abs(row.p50_latency_ms - direct.rows[index].p50)).toBeLessThanOrEqual(0.048 * direct.rows[index].p50 + 1e-9);
        expect(Math.abs(row.p95_latency_ms - direct.rows[index].p95)).toBeLessThanOrEqual(0.048 * direct.rows[index].p95 + 1e-9);
      });
      const latency = await pool.query(
        `SELECT width_bucket(response_time_ms, $3::int[]) AS bucket, count(*)::int AS calls, count(*) FILTER (WHERE success)::int AS successes
           FROM model_usage WHERE created_at >= $1 AND created_at < $2 GROUP BY 1 ORDER BY 1`,
        [range.from, range.to, LATENCY_EDGES_MS],
      );
      expect(usage.latency).toEqual(latency.rows);
      const timeline = await pool.query(
        `SELECT to_char(date_trunc($3, created_at, 'UTC') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, count(*)::int AS calls,
                count(*) FILTER (WHERE success)::int AS successes, sum(cost_usd)::float8 AS cost_usd
           FROM model_usage WHERE created_at >= $1 AND created_at < $2 GROUP BY 1 ORDER BY 1`,
        [range.from, range.to, step],
      );
      expect(usage.timeline).toEqual(timeline.rows);
    }
  });

  it('serves the filters over HTTP in the contract row shape', async () => {
    const { createApp } = await import('../../src/api/app.ts');
    const { loadSettings } = await import('../../src/config/environment.ts');
    const { loadCatalog } = await import('../../src/providers/catalog.ts');
    const settings = loadSettings({ DATABASE_URL: inject('databaseUrl'), QUARRY_PROVIDERS: 'simulated' });
    const app = createApp({ pool, temporal: undefined as never, catalog: loadCatalog({}), settings, simulated: true });
    const from = at('03-01T00:00:00Z').toISOString();
    const to = at('03-02T00:00:00Z').toISOString();
    const response = await app.request(`/analytics/models?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&provider=${PROVIDER}&stage=extract`);
    expect(response.status).toBe(200);
    const rows = (await response.json()) as Array<Record<string, unknown>>;
    expect(rows.length).toBe(2);
    expect(Object.keys(rows[0]!).sort()).toEqual(
      ['avg_latency_ms', 'calls', 'cost_usd', 'first_call_at', 'input_tokens', 'last_call_at', 'model', 'output_tokens', 'p95_latency_ms', 'provider', 'simulated', 'stage', 'success_rate', 'successes'].sort(),
    );
    const bad = await app.request(`/analytics/models?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`);
    expect(bad.status).toBe(400);
  });
});
