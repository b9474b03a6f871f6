import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateSyntheticLedger } from '../../src/analytics/synthetic-ledger.ts';
import { configurationPerformance, configurationRunsOverTime } from '../../src/db/configuration-analytics.ts';
import { refreshConfigurationRollups } from '../../src/db/configuration-rollup-refresh.ts';
import { createPool, type Pool } from '../../src/db/pool.ts';

// A year of its own, so that the roll-ups and the direct aggregates see the same runs while other
// files run; configurations of its own, whose rows are the ones compared.
const YEAR = 2001 + Math.floor(Math.random() * 40);
const at = (iso: string) => new Date(`${YEAR}-${iso}`);
const CONFIGS: string[] = [randomUUID(), randomUUID(), randomUUID()];
const MODELS = [
  { id: 'gpt-4.1-mini', provider: 'openai' as const },
  { id: 'claude-haiku-4-5', provider: 'anthropic' as const },
  { id: 'gemini-2.5-flash', provider: 'google' as const },
];
const runs = (rows: number, from: string, to: string, tag: string) =>
  generateSyntheticLedger(pool, { rows, from: at(from), to: at(to), tag: `${tag}-${randomUUID()}`, models: MODELS, configurations: CONFIGS, runs: { documents: 20, labelledEvery: 2 } });

let pool: Pool;

/** What /analytics/configurations computed over a time range before the roll-up: the aggregate over the runs themselves. */
async function direct(range: { from: Date; to: Date }) {
  const result = await pool.query(
    `SELECT c.id AS configuration_id, c.name, c.config, count(*)::int AS times_used, count(r.accuracy)::int AS labelled_runs,
            round(avg(r.accuracy), 5) AS avg_accuracy, round(avg(r.cost_usd), 8) AS avg_cost_usd,
            round(avg(r.duration_ms), 2) AS avg_duration_ms, round(avg((r.status = 'completed')::int), 5) AS success_rate,
            sum(r.cost_usd) AS total_cost_usd, max(r.finished_at) AS updated_at
       FROM configuration_runs r JOIN configurations c ON c.id = r.configuration_id
      WHERE r.finished_at >= $1 AND r.finished_at < $2 AND c.id = ANY($3::uuid[])
      GROUP BY c.id, c.name, c.config ORDER BY times_used DESC, c.id`,
    [range.from, range.to, CONFIGS],
  );
  const numberOrNull = (value: unknown) => (value === null ? null : Number(value));
  return result.rows.map((row) => ({ ...row, avg_accuracy: numberOrNull(row.avg_accuracy), avg_cost_usd: Number(row.avg_cost_usd), avg_duration_ms: Number(row.avg_duration_ms), success_rate: Number(row.success_rate), total_cost_usd: Number(row.total_cost_usd), updated_at: row.updated_at.toISOString() }));
}

async function viaRollups(range: { from: Date; to: Date }) {
  return (await configurationPerformance(pool, range)).filter((row) => CONFIGS.includes(row.configuration_id as string));
}

async function expectSame(range: { from: Date; to: Date }) {
  const expected = await direct(range);
  expect(expected.length).toBeGreaterThan(0);
  expect(await viaRollups(range)).toEqual(expected);
}

async function refresh() {
  for (;;) {
    const outcome = await refreshConfigurationRollups(pool);
    if (outcome.ran && outcome.caughtUp) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('configuration analytics over a time range, from their roll-up', () => {
  beforeAll(async () => {
    pool = createPool(inject('databaseUrl'));
    await runs(12_000, '05-01T00:00:00Z', '05-04T05:30:00Z', 'base');
    await refresh();
  });
  afterAll(async () => pool?.end());

  const ranges: Array<[string, { from: Date; to: Date }]> = [
    ['whole days', { from: at('05-01T00:00:00Z'), to: at('05-05T00:00:00Z') }],
    ['ragged edges inside hours', { from: at('05-01T07:13:27.5Z'), to: at('05-03T19:48:01Z') }],
    ['within one hour', { from: at('05-02T10:05:00Z'), to: at('05-02T10:55:00Z') }],
  ];
  for (const [name, range] of ranges) {
    it(`equals the aggregate over the runs: ${name}`, async () => expectSame(range));
  }

  it('stays equal while new runs are pending, after a review rescores some and after a delete, and after the refresh', async () => {
    const range = { from: at('05-01T03:30:00Z'), to: at('05-04T02:00:00Z') };
    await runs(2_000, '05-02T06:00:00Z', '05-02T09:00:00Z', 'late');
    await expectSame(range);
    await pool.query(`UPDATE configuration_runs SET accuracy = 0.5 WHERE configuration_id = ANY($1::uuid[]) AND finished_at >= $2 AND finished_at < $3 AND accuracy IS NOT NULL`, [
      CONFIGS, at('05-01T11:00:00Z'), at('05-01T12:30:00Z'),
    ]);
    await pool.query(`DELETE FROM configuration_runs WHERE configuration_id = $1 AND finished_at >= $2 AND finished_at < $3`, [CONFIGS[2], at('05-03T01:00:00Z'), at('05-03T02:00:00Z')]);
    expect((await pool.query('SELECT count(*)::int AS n FROM configuration_rollup_dirty')).rows[0].n).toBeGreaterThan(0);
    await expectSame(range);
    await refresh();
    await expectSame(range);

    // Recomputing every hour from configuration_runs gives the rows the additions built.
    const rows = async () =>
      (await pool.query('SELECT * FROM configuration_rollup_hourly WHERE configuration_id = ANY($1::uuid[]) ORDER BY 1, 2', [CONFIGS])).rows;
    const before = await rows();
    await pool.query(`INSERT INTO configuration_rollup_dirty (hour) SELECT generate_series($1::timestamptz, $2::timestamptz, interval '1 hour')`, [at('05-01T00:00:00Z'), at('05-04T23:00:00Z')]);
    await refresh();
    expect(await rows()).toEqual(before);
  });

  it("gives the dashboard's configuration comparison and run totals as the runs do", async () => {
    const range = { from: at('05-01T05:17:00Z'), to: at('05-03T05:00:00Z') };
    await runs(400, '05-02T16:00:00Z', '05-02T18:00:00Z', 'dash');
    const over = await configurationRunsOverTime(pool, range);
    const configurations = await pool.query(
      `SELECT r.configuration_id, c.name, count(*)::int AS runs, count(*) FILTER (WHERE r.status = 'completed')::int AS completed,
              avg(r.accuracy)::float8 AS avg_accuracy, count(r.accuracy)::int AS labelled_runs, avg(r.cost_usd)::float8 AS avg_cost_usd,
              sum(r.cost_usd)::float8 AS total_cost_usd, round(avg(r.duration_ms))::int AS avg_duration_ms
         FROM configuration_runs r JOIN configurations c ON c.id = r.configuration_id
        WHERE r.finished_at >= $1 AND r.finished_at < $2
        GROUP BY r.configuration_id, c.name ORDER BY count(*) DESC, r.configuration_id`,
      [range.from, range.to],
    );
    const close = (value: number | null) => (value === null ? null : Number(value.toPrecision(12)));
    const rounded = (rows: Array<Record<string, unknown>>) =>
      rows.map((row) => ({ ...row, avg_accuracy: close(row.avg_accuracy as number | null), avg_cost_usd: close(row.avg_cost_usd as number), total_cost_usd: close(row.total_cost_usd as number) }));
    expect(rounded(over.configurations)).toEqual(rounded(configurations.rows));
    const totals = await pool.query(
      `SELECT count(*)::int AS runs, count(*) FILTER (WHERE status = 'completed')::int AS completed, avg(accuracy)::float8 AS avg_accuracy
         FROM configuration_runs WHERE finished_at >= $1 AND finished_at < $2`,
      [range.from, range.to],
    );
    expect({ ...over.totals, avg_accuracy: close(over.totals.avg_accuracy) }).toEqual({ ...totals.rows[0], avg_accuracy: close(totals.rows[0].avg_accuracy) });
  });
});
