import type { Pool } from '../db/pool.ts';
import { toNumber } from '../db/pool.ts';
import { LATENCY_EDGES_MS, usageOverTime } from '../db/usage-over-time.ts';

/** Latency histogram bucket edges in ms: roughly logarithmic, so fast and slow calls both read. */
export { LATENCY_EDGES_MS };

export interface TimeRange {
  from: Date;
  to: Date;
}

const numbers = <T extends Record<string, unknown>>(row: T, keys: Array<keyof T>) =>
  Object.fromEntries(Object.entries(row).map(([key, value]) => [key, keys.includes(key) ? toNumber(value) : value])) as {
    [K in keyof T]: K extends (typeof keys)[number] ? number | null : T[K];
  };

/**
 * What the dashboard's analytics page charts, over one time range, from the usage ledger's roll-ups and
 * the finished runs (the same rows the analytics views aggregate, filtered by when they happened).
 */
export async function timeRangeAnalytics(pool: Pool, range: TimeRange) {
  const window = [range.from.toISOString(), range.to.toISOString()];
  // Hourly points for a range of up to two days, daily beyond.
  const step = range.to.getTime() - range.from.getTime() <= 2 * 86_400_000 ? 'hour' : 'day';

  // The calls from the usage roll-ups (a bounded read of the ledger); the runs from configuration_runs.
  const [usage, configurations, runs] = await Promise.all([
    usageOverTime(pool, range, step),
    pool.query(
      `SELECT r.configuration_id, c.name, count(*) AS runs, count(*) FILTER (WHERE r.status = 'completed') AS completed,
              avg(r.accuracy) AS avg_accuracy, count(r.accuracy) AS labelled_runs, avg(r.cost_usd) AS avg_cost_usd,
              sum(r.cost_usd) AS total_cost_usd, round(avg(r.duration_ms)) AS avg_duration_ms
         FROM configuration_runs r JOIN configurations c ON c.id = r.configuration_id
        WHERE r.finished_at >= $1 AND r.finished_at < $2
        GROUP BY r.configuration_id, c.name ORDER BY count(*) DESC`,
      window,
    ),
    pool.query(
      `SELECT count(*) AS runs, count(*) FILTER (WHERE status = 'completed') AS completed, avg(accuracy) AS avg_accuracy
         FROM configuration_runs WHERE finished_at >= $1 AND finished_at < $2`,
      window,
    ),
  ]);

  const modelRows = usage.models;
  const calls = modelRows.reduce((sum, row) => sum + (row.calls ?? 0), 0);
  const successes = modelRows.reduce((sum, row) => sum + (row.successes ?? 0), 0);
  const totals = numbers(runs.rows[0] ?? {}, ['runs', 'completed', 'avg_accuracy']);
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    step,
    totals: {
      calls,
      successes,
      cost_usd: modelRows.reduce((sum, row) => sum + (row.cost_usd ?? 0), 0),
      runs: totals.runs ?? 0,
      completed_runs: totals.completed ?? 0,
      avg_accuracy: totals.avg_accuracy ?? null,
    },
    models: modelRows,
    // width_bucket gives 0 below the first edge and edges.length at or above the last.
    latency_histogram: LATENCY_EDGES_MS.concat(Infinity).map((upper, index) => {
      const row = usage.latency.find((candidate) => candidate.bucket === index);
      return {
        lower_ms: index === 0 ? 0 : LATENCY_EDGES_MS[index - 1]!,
        upper_ms: Number.isFinite(upper) ? upper : null,
        calls: Number(row?.calls ?? 0),
        successes: Number(row?.successes ?? 0),
      };
    }),
    timeline: usage.timeline,
    configurations: configurations.rows.map((row) =>
      numbers(row, ['runs', 'completed', 'avg_accuracy', 'labelled_runs', 'avg_cost_usd', 'total_cost_usd', 'avg_duration_ms']),
    ),
  };
}
