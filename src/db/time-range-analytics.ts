import type { TimeRangeAnalytics } from '../contract/analytics.ts';
import { configurationRunsOverTime } from './configuration-analytics.ts';
import type { Pool } from './pool.ts';
import { LATENCY_EDGES_MS, usageOverTime } from './usage-over-time.ts';

/** Latency histogram bucket edges in ms: roughly logarithmic, so fast and slow calls both read. */
export { LATENCY_EDGES_MS };

export interface TimeRange {
  from: Date;
  to: Date;
}

/**
 * What the dashboard's analytics page charts, over one time range, from the usage ledger's roll-ups and
 * the finished runs (the same rows the analytics views aggregate, filtered by when they happened).
 */
export async function timeRangeAnalytics(pool: Pool, range: TimeRange): Promise<TimeRangeAnalytics> {
  // Hourly points for a range of up to two days, daily beyond.
  const step = range.to.getTime() - range.from.getTime() <= 2 * 86_400_000 ? 'hour' : 'day';

  // The calls from the usage roll-ups, the runs from theirs (each with a bounded read of its table).
  const [usage, runs] = await Promise.all([usageOverTime(pool, range, step), configurationRunsOverTime(pool, range)]);

  const modelRows = usage.models;
  const totals = runs.totals;
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    step,
    totals: {
      calls: modelRows.reduce((sum, row) => sum + row.calls, 0),
      successes: modelRows.reduce((sum, row) => sum + row.successes, 0),
      cost_usd: modelRows.reduce((sum, row) => sum + row.cost_usd, 0),
      runs: totals.runs,
      completed_runs: totals.completed,
      avg_accuracy: totals.avg_accuracy,
    },
    models: modelRows,
    // width_bucket gives 0 below the first edge and edges.length at or above the last.
    latency_histogram: LATENCY_EDGES_MS.concat(Infinity).map((upper, index) => {
      const row = usage.latency.find((candidate) => candidate.bucket === index);
      return {
        lower_ms: index === 0 ? 0 : LATENCY_EDGES_MS[index - 1]!,
        upper_ms: Number.isFinite(upper) ? upper : null,
        calls: row?.calls ?? 0,
        successes: row?.successes ?? 0,
      };
    }),
    timeline: usage.timeline,
    configurations: runs.configurations,
  };
}
