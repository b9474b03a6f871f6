import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { generateSyntheticLedger } from '../../src/analytics/synthetic-ledger.ts';
import { createPool, type Pool } from '../../src/db/pool.ts';
import { modelPerformance, refreshUsageRollups, type UsageFilters } from '../../src/db/usage-rollups.ts';

// The rows of this file live in a year no other test writes to, under providers of their own, so
// that the direct aggregate and the roll-up query see the same calls while other files run.
const YEAR = 2001 + Math.floor(Math.random() * 40);
const at = (iso: string) => new Date(`${YEAR}-${iso}`);
const PROVIDER = `rollup-${randomUUID().slice(0, 8)}`;
const CONFIGS = [randomUUID(), randomUUID(), randomUUID()];
const MODELS: Array<{ id: string; provider: any }> = [
  { id: 'model-a', provider: PROVIDER },
  { id: 'model-b', provider: PROVIDER },
  { id: 'model-c', provider: `${PROVIDER}-x` },
];

/** What model_performance_analytics computes, over the same calls, straight from the ledger. */
async function directAggregate(pool: Pool, filters: UsageFilters) {
  const result = await pool.query(
    `SELECT model, provider, stage, count(*)::bigint AS calls, count(*) FILTER (WHERE success)::bigint AS successes,
            round(avg(success::int)::numeric, 5) AS success_rate, round(avg(response_time_ms)::numeric, 2) AS avg_latency_ms,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY response_time_ms) AS p95_latency_ms,
            sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens, sum(cost_usd) AS cost_usd,
            bool_or(simulated) AS simulated, min(created_at) AS first_call_at, max(created_at) AS last_call_at
       FROM model_usage
      WHERE created_at >= $1 AND created_at < $2 AND provider LIKE $3
        AND ($4::uuid IS NULL OR configuration_id = $4) AND ($5::text IS NULL OR stage = $5) AND ($6::text IS NULL OR model = $6)
      GROUP BY model, provider, stage
      ORDER BY cost_usd DESC, model, stage`,
    [filters.from, filters.to, `${PROVIDER}%`, filters.configurationId ?? null, filters.stage ?? null, filters.model ?? null],
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

/** A refresh that found another one running did nothing: wait for ours to run. */
async function refresh(pool: Pool) {
  while (!(await refreshUsageRollups(pool)).ran) await new Promise((resolve) => setTimeout(resolve, 50));
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

  it('stays equal when calls land in rolled-up hours (they are read from the ledger until the next refresh)', async () => {
    const range = { from: at('03-01T00:00:00Z'), to: at('03-05T00:00:00Z') };
    await generateSyntheticLedger(pool, { rows: 3_000, from: at('03-02T06:00:00Z'), to: at('03-02T09:00:00Z'), tag: `late-${randomUUID()}`, models: MODELS, configurations: CONFIGS });
    const dirty = await pool.query('SELECT count(*)::int AS n FROM usage_rollup_dirty WHERE hour >= $1 AND hour < $2', [range.from, range.to]);
    expect(dirty.rows[0].n).toBeGreaterThan(0);
    expectSame(await viaRollups(pool, range), await directAggregate(pool, range));

    await refresh(pool);
    expectSame(await viaRollups(pool, range), await directAggregate(pool, range));
    // Rebuilding from scratch gives the same roll-up rows: nothing was incremented in place.
    const before = await pool.query(`SELECT * FROM usage_rollup_daily WHERE period_start >= $1 AND period_start < $2 ORDER BY 1, 2, 3, 4, 5`, [range.from, range.to]);
    await pool.query(`INSERT INTO usage_rollup_dirty (hour) SELECT generate_series($1::timestamptz, $2::timestamptz - interval '1 hour', interval '1 hour')`, [range.from, range.to]);
    await refresh(pool);
    const after = await pool.query(`SELECT * FROM usage_rollup_daily WHERE period_start >= $1 AND period_start < $2 ORDER BY 1, 2, 3, 4, 5`, [range.from, range.to]);
    expect(after.rows).toEqual(before.rows);
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
