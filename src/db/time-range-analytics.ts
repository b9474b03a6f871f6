import { z } from 'zod';
import type { TimeRangeAnalytics } from '../contract/analytics.ts';
import type { Pool } from './pool.ts';
import { numeric, nullableNumeric, parseFirst, parseRows, timestamp } from './rows.ts';

/** Latency histogram bucket edges in ms: roughly logarithmic, so fast and slow calls both read. */
export const LATENCY_EDGES_MS = [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000];

export interface TimeRange {
  from: Date;
  to: Date;
}

const ModelRowSchema = z.object({
  model: z.string(),
  provider: z.string(),
  calls: numeric,
  successes: numeric,
  cost_usd: nullableNumeric,
  input_tokens: nullableNumeric,
  output_tokens: nullableNumeric,
  avg_latency_ms: nullableNumeric,
  p50_latency_ms: nullableNumeric,
  p95_latency_ms: nullableNumeric,
});
const BucketRowSchema = z.object({ bucket: numeric, calls: numeric, successes: numeric });
const TimelineRowSchema = z.object({ at: timestamp, calls: numeric, successes: numeric, cost_usd: nullableNumeric });
const ConfigurationRowSchema = z.object({
  configuration_id: z.string(),
  name: z.string().nullable(),
  runs: numeric,
  completed: numeric,
  avg_accuracy: nullableNumeric,
  labelled_runs: numeric,
  avg_cost_usd: nullableNumeric,
  total_cost_usd: nullableNumeric,
  avg_duration_ms: nullableNumeric,
});
const TotalsRowSchema = z.object({ runs: numeric, completed: numeric, avg_accuracy: nullableNumeric });

/**
 * What the dashboard's analytics page charts, over one time range, read from the usage ledger and the
 * finished runs (the same rows the analytics views aggregate, filtered by when they happened).
 */
export async function timeRangeAnalytics(pool: Pool, range: TimeRange): Promise<TimeRangeAnalytics> {
  const window = [range.from.toISOString(), range.to.toISOString()];
  // Hourly points for a range of up to two days, daily beyond.
  const step = range.to.getTime() - range.from.getTime() <= 2 * 86_400_000 ? 'hour' : 'day';

  const [models, latency, timeline, configurations, runs] = await Promise.all([
    pool.query(
      `SELECT model, provider, count(*) AS calls, count(*) FILTER (WHERE success) AS successes,
              sum(cost_usd) AS cost_usd, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
              round(avg(response_time_ms)) AS avg_latency_ms,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY response_time_ms) AS p50_latency_ms,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY response_time_ms) AS p95_latency_ms
         FROM model_usage WHERE created_at >= $1 AND created_at < $2
        GROUP BY model, provider ORDER BY sum(cost_usd) DESC, model`,
      window,
    ),
    pool.query(
      `SELECT width_bucket(response_time_ms, $3::int[]) AS bucket, count(*) AS calls, count(*) FILTER (WHERE success) AS successes
         FROM model_usage WHERE created_at >= $1 AND created_at < $2 GROUP BY 1 ORDER BY 1`,
      [...window, LATENCY_EDGES_MS],
    ),
    pool.query(
      `SELECT date_trunc('${step}', created_at) AS at, count(*) AS calls, count(*) FILTER (WHERE success) AS successes,
              sum(cost_usd) AS cost_usd
         FROM model_usage WHERE created_at >= $1 AND created_at < $2 GROUP BY 1 ORDER BY 1`,
      window,
    ),
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

  const modelRows = parseRows(ModelRowSchema, models.rows, 'timeRangeAnalytics.models');
  const buckets = parseRows(BucketRowSchema, latency.rows, 'timeRangeAnalytics.latency');
  const totals = parseFirst(TotalsRowSchema, runs.rows, 'timeRangeAnalytics.totals');
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    step,
    totals: {
      calls: modelRows.reduce((sum, row) => sum + row.calls, 0),
      successes: modelRows.reduce((sum, row) => sum + row.successes, 0),
      cost_usd: modelRows.reduce((sum, row) => sum + (row.cost_usd ?? 0), 0),
      runs: totals?.runs ?? 0,
      completed_runs: totals?.completed ?? 0,
      avg_accuracy: totals?.avg_accuracy ?? null,
    },
    models: modelRows,
    // width_bucket gives 0 below the first edge and edges.length at or above the last.
    latency_histogram: LATENCY_EDGES_MS.concat(Infinity).map((upper, index) => {
      const row = buckets.find((candidate) => candidate.bucket === index);
      return {
        lower_ms: index === 0 ? 0 : LATENCY_EDGES_MS[index - 1]!,
        upper_ms: Number.isFinite(upper) ? upper : null,
        calls: row?.calls ?? 0,
        successes: row?.successes ?? 0,
      };
    }),
    timeline: parseRows(TimelineRowSchema, timeline.rows, 'timeRangeAnalytics.timeline').map((row) => ({ ...row, at: row.at.toISOString() })),
    configurations: parseRows(ConfigurationRowSchema, configurations.rows, 'timeRangeAnalytics.configurations'),
  };
}
