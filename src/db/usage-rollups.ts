import { z } from 'zod';
import type { ModelPerformanceRow } from '../contract/analytics.ts';
import type { Pool, PoolClient } from './pool.ts';
import { numeric, parseRows, timestamp } from './rows.ts';
import { percentileSql, USAGE_PARTS_CTES, usagePartsParams } from './usage-rollup-parts.ts';

/*
 * Analytics over the usage ledger, answered from its roll-ups (kept current by the scheduled refresh,
 * src/db/usage-rollup-refresh.ts) plus a bounded read of the ledger (src/db/usage-rollup-parts.ts).
 */

export interface UsageFilters {
  /** Inclusive lower bound on the call's time. */
  from?: Date | undefined;
  /** Exclusive upper bound. */
  to?: Date | undefined;
  stage?: string | undefined;
  provider?: string | undefined;
  model?: string | undefined;
  configurationId?: string | undefined;
}

const ModelPerformanceDbRowSchema = z.object({
  model: z.string(),
  provider: z.string(),
  stage: z.string(),
  calls: numeric,
  successes: numeric,
  success_rate: numeric,
  avg_latency_ms: numeric,
  p95_latency_ms: numeric,
  input_tokens: numeric,
  output_tokens: numeric,
  cost_usd: numeric,
  simulated: z.boolean(),
  first_call_at: timestamp,
  last_call_at: timestamp,
});

const ModelVolumeRowSchema = z.object({ stage: z.string(), model: z.string(), calls: numeric, successes: numeric });

/**
 * The rows of `model_performance_analytics` (per model, provider and stage) for the calls that match
 * `filters`, from the roll-ups plus a bounded read of the ledger. Every column equals the view's
 * aggregate over the same calls, except p95 above 50 ms, which is read from a histogram and is
 * within 4.8 % of the exact value (exact below 50 ms) — as long as the roll-up's backlog is within
 * `pendingCap` ids (default PENDING_READ_CAP); beyond it, the calls past the cap are left out until
 * the scheduled refresh has rolled them up.
 */
export async function modelPerformance(client: Pool | PoolClient, filters: UsageFilters, options: { pendingCap?: number } = {}): Promise<ModelPerformanceRow[]> {
  const result = await client.query(MODEL_PERFORMANCE_SQL, usagePartsParams({ ...filters, ...options }));
  return parseRows(ModelPerformanceDbRowSchema, result.rows, 'modelPerformance').map((row) => ({
    ...row,
    first_call_at: row.first_call_at.toISOString(),
    last_call_at: row.last_call_at.toISOString(),
  }));
}

const MODEL_PERFORMANCE_SQL = `
WITH ${USAGE_PARTS_CTES},
totals AS (
  SELECT row_number() OVER () AS gid, stage, provider, model, sum(calls) AS calls, sum(successes) AS successes,
         sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd,
         sum(latency_sum_ms) AS latency_sum_ms, bool_or(simulated) AS simulated, min(first_call_at) AS first_call_at,
         max(last_call_at) AS last_call_at
    FROM part_totals GROUP BY stage, provider, model
),
histogram AS (
  SELECT t.gid, m.bucket, m.n
    FROM (SELECT stage, provider, model, bucket, sum(n) AS n FROM part_buckets GROUP BY 1, 2, 3, 4) m JOIN totals t USING (stage, provider, model)
)
SELECT t.model, t.provider, t.stage, t.calls, t.successes,
       round(t.successes::numeric / t.calls, 5) AS success_rate,
       round(t.latency_sum_ms::numeric / t.calls, 2) AS avg_latency_ms,
       p.value AS p95_latency_ms,
       t.input_tokens, t.output_tokens, t.cost_usd, t.simulated, t.first_call_at, t.last_call_at
  FROM totals t JOIN ${percentileSql(0.95, 'histogram')} p USING (gid)
 WHERE t.calls > 0
 ORDER BY t.cost_usd DESC, t.model, t.stage`;

/**
 * Calls and successes per stage and model for the calls that match `filters` — the counts of
 * `modelPerformance` without its latency percentiles, which cost most of its time: what cost
 * recommendations need of the ledger.
 */
export async function modelVolumes(client: Pool | PoolClient, filters: UsageFilters): Promise<Array<z.infer<typeof ModelVolumeRowSchema>>> {
  const result = await client.query(
    `WITH ${USAGE_PARTS_CTES}
     SELECT stage, model, sum(calls) AS calls, sum(successes) AS successes FROM part_totals GROUP BY stage, model HAVING sum(calls) > 0`,
    usagePartsParams(filters),
  );
  return parseRows(ModelVolumeRowSchema, result.rows, 'modelVolumes');
}

