import { z } from 'zod';
import type { Pool } from './pool.ts';
import { numeric, parseRows } from './rows.ts';
import { percentileSql, USAGE_PARTS_CTES, usagePartsParams } from './usage-rollup-parts.ts';

/**
 * Edges of the dashboard's latency histogram in ms. The roll-ups' latency buckets
 * (migrations/1764100000000_incremental-rollups.sql, latency_bucket) are cut at exactly these
 * edges, so the histogram is a sum of whole buckets; changing them means changing that function.
 */
export const LATENCY_EDGES_MS = [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000];

/** The one row of usageOverTime's statement: its three parts as a jsonb object (numbers come as JSON numbers). */
const UsageOverTimeRowSchema = z.object({
  usage: z.object({
    /** Per model and provider, most expensive first; p50/p95 from the histograms (within 4.8 % above 50 ms). */
    models: z.array(
      z.object({
        model: z.string(),
        provider: z.string(),
        calls: numeric,
        successes: numeric,
        cost_usd: numeric,
        input_tokens: numeric,
        output_tokens: numeric,
        avg_latency_ms: numeric,
        p50_latency_ms: numeric,
        p95_latency_ms: numeric,
      }),
    ),
    /** Calls and successes per histogram bucket: index 0 below the first edge, `edges.length` at or above the last. */
    latency: z.array(z.object({ bucket: numeric, calls: numeric, successes: numeric })),
    /** Per UTC hour or day. */
    timeline: z.array(z.object({ at: z.string(), calls: numeric, successes: numeric, cost_usd: numeric })),
  }),
});
export type UsageOverTime = z.infer<typeof UsageOverTimeRowSchema>['usage'];

/**
 * The usage charts of the dashboard over [from, to): per model, per latency bucket and per hour or
 * day, from the roll-ups plus a bounded read of the ledger (see src/db/usage-rollup-parts.ts), in one
 * statement and so one snapshot.
 */
export async function usageOverTime(pool: Pool, range: { from: Date; to: Date }, step: 'hour' | 'day'): Promise<UsageOverTime> {
  const params = usagePartsParams({ ...range, useDays: step === 'day' });
  const result = await pool.query(
    `WITH ${USAGE_PARTS_CTES},
     models AS (
       SELECT row_number() OVER (ORDER BY sum(cost_usd) DESC, model, provider) AS gid, model, provider, sum(calls) AS calls,
              sum(successes) AS successes, sum(cost_usd) AS cost_usd, sum(input_tokens) AS input_tokens,
              sum(output_tokens) AS output_tokens, round(sum(latency_sum_ms)::numeric / sum(calls)) AS avg_latency_ms
         FROM part_totals GROUP BY model, provider HAVING sum(calls) > 0
     ),
     histogram AS (
       SELECT m.gid, b.bucket, b.n
         FROM (SELECT model, provider, bucket, sum(n) AS n FROM part_buckets GROUP BY 1, 2, 3) b JOIN models m USING (model, provider)
     )
     SELECT jsonb_build_object(
       'models', (SELECT coalesce(jsonb_agg(jsonb_build_object('model', m.model, 'provider', m.provider, 'calls', m.calls,
                                   'successes', m.successes, 'cost_usd', m.cost_usd, 'input_tokens', m.input_tokens,
                                   'output_tokens', m.output_tokens, 'avg_latency_ms', m.avg_latency_ms,
                                   'p50_latency_ms', p50.value, 'p95_latency_ms', p95.value) ORDER BY m.gid), '[]')
                    FROM models m JOIN ${percentileSql(0.5, 'histogram')} p50 USING (gid)
                                  JOIN ${percentileSql(0.95, 'histogram')} p95 USING (gid)),
       'latency', (SELECT coalesce(jsonb_agg(jsonb_build_object('bucket', bucket, 'calls', calls, 'successes', successes) ORDER BY bucket), '[]')
                     FROM (SELECT width_bucket(latency_bucket_value(bucket), $9::float8[]) AS bucket, sum(n) AS calls, sum(s) AS successes
                             FROM part_buckets GROUP BY 1) l),
       'timeline', (SELECT coalesce(jsonb_agg(jsonb_build_object('at', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                     'calls', calls, 'successes', successes, 'cost_usd', cost_usd) ORDER BY at), '[]')
                      FROM (SELECT date_trunc($10, period_start, 'UTC') AS at, sum(calls) AS calls, sum(successes) AS successes,
                                   sum(cost_usd) AS cost_usd
                              FROM part_totals GROUP BY 1 HAVING sum(calls) > 0) t)
     ) AS usage`,
    [...params, LATENCY_EDGES_MS, step],
  );
  return parseRows(UsageOverTimeRowSchema, result.rows, 'usageOverTime')[0]!.usage;
}
