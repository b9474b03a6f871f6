import { z } from 'zod';
import type { ConfigurationPerformanceRow } from '../contract/analytics.ts';
import type { ModelStage } from '../contract/stages.ts';
import { CONFIGURATION_PARTS_CTES } from './configuration-rollup-parts.ts';
import type { Pool } from './pool.ts';
import { nullableNumeric, numeric, parseRows, timestamp } from './rows.ts';
import { PENDING_READ_CAP } from './usage-rollup-parts.ts';

export interface ConfigurationFilters {
  from?: Date | undefined;
  to?: Date | undefined;
  configurationId?: string | undefined;
  /** Configurations that name any of these models (in `stage`'s chain when given, else anywhere). */
  models?: string[] | undefined;
  stage?: ModelStage | undefined;
}

const ConfigurationPerformanceDbRowSchema = z.object({
  configuration_id: z.string(),
  name: z.string().nullable(),
  config: z.record(z.string(), z.unknown()),
  times_used: numeric,
  labelled_runs: numeric,
  avg_accuracy: nullableNumeric,
  avg_cost_usd: nullableNumeric,
  avg_duration_ms: nullableNumeric,
  success_rate: nullableNumeric,
  total_cost_usd: nullableNumeric,
  updated_at: timestamp,
});

/**
 * The rows of `configuration_performance`, narrowed by `filters`. Without a time range they are the
 * view's rows (the configuration_usage roll-up, kept current by every finished run); with one, the
 * same aggregates over the configuration runs that finished inside it, from their hourly roll-up plus
 * a bounded read of configuration_runs (src/db/configuration-rollup-parts.ts).
 */
export async function configurationPerformance(pool: Pool, filters: ConfigurationFilters): Promise<ConfigurationPerformanceRow[]> {
  const timed = filters.from !== undefined || filters.to !== undefined;
  // With a time range, $1–$3 are the parts' parameters (CONFIGURATION_PARTS_CTES); the filters follow.
  const values: unknown[] = timed ? [filters.from?.toISOString() ?? null, filters.to?.toISOString() ?? null, PENDING_READ_CAP] : [];
  const where: string[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (filters.configurationId) where.push(`c.id = ${param(filters.configurationId)}::uuid`);
  if (filters.models && filters.models.length > 0) {
    const models = param(filters.models);
    if (filters.stage === 'review') where.push(`c.config->>'orchestrator_model' = ANY(${models}::text[])`);
    else if (filters.stage) where.push(`c.config->'stage_models'->${param(filters.stage)} ?| ${models}::text[]`);
    else {
      where.push(
        `(c.config->>'orchestrator_model' = ANY(${models}::text[]) OR c.config->'stage_models'->'classify' ?| ${models}::text[]
          OR c.config->'stage_models'->'extract' ?| ${models}::text[] OR c.config->'stage_models'->'validate' ?| ${models}::text[])`,
      );
    }
  }
  let sql: string;
  if (!timed) {
    sql = `SELECT c.id AS configuration_id, c.name, c.config, u.times_used, u.labelled_runs, u.avg_accuracy, u.avg_cost_usd,
                  u.avg_duration_ms, u.success_rate, u.total_cost_usd, u.updated_at
             FROM configurations c JOIN configuration_usage u ON u.configuration_id = c.id
            ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
            ORDER BY u.times_used DESC, c.id`;
  } else {
    sql = `WITH ${CONFIGURATION_PARTS_CTES},
           totals AS (
             SELECT configuration_id, sum(runs) AS runs, sum(completed) AS completed, sum(labelled) AS labelled,
                    sum(accuracy_sum) AS accuracy_sum, sum(cost_usd) AS cost_usd, sum(duration_sum_ms) AS duration_sum_ms,
                    max(last_finished_at) AS updated_at
               FROM configuration_parts GROUP BY configuration_id HAVING sum(runs) > 0
           )
           SELECT c.id AS configuration_id, c.name, c.config, t.runs::int AS times_used, t.labelled::int AS labelled_runs,
                  round(t.accuracy_sum / nullif(t.labelled, 0), 5) AS avg_accuracy, round(t.cost_usd / t.runs, 8) AS avg_cost_usd,
                  round(t.duration_sum_ms::numeric / t.runs, 2) AS avg_duration_ms, round(t.completed::numeric / t.runs, 5) AS success_rate,
                  t.cost_usd AS total_cost_usd, t.updated_at
             FROM totals t JOIN configurations c ON c.id = t.configuration_id
            ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
            ORDER BY times_used DESC, c.id`;
  }
  const result = await pool.query(sql, values);
  return parseRows(ConfigurationPerformanceDbRowSchema, result.rows, 'configurationPerformance').map((row) => ({ ...row, updated_at: row.updated_at.toISOString() }));
}

/** The one row of configurationRunsOverTime's statement, as a jsonb object (numbers come as JSON numbers). */
const RunsOverTimeRowSchema = z.object({
  runs: z.object({
    /** Per configuration, most runs first. */
    configurations: z.array(
      z.object({
        configuration_id: z.string(),
        name: z.string().nullable(),
        runs: numeric,
        completed: numeric,
        avg_accuracy: nullableNumeric,
        labelled_runs: numeric,
        avg_cost_usd: numeric,
        total_cost_usd: numeric,
        avg_duration_ms: numeric,
      }),
    ),
    totals: z.object({ runs: numeric, completed: numeric, avg_accuracy: nullableNumeric }),
  }),
});
export type ConfigurationRunsOverTime = z.infer<typeof RunsOverTimeRowSchema>['runs'];

/** The dashboard's comparison of configurations over [from, to), and the totals over all of them. */
export async function configurationRunsOverTime(pool: Pool, range: { from: Date; to: Date }): Promise<ConfigurationRunsOverTime> {
  const result = await pool.query(
    `WITH ${CONFIGURATION_PARTS_CTES},
     totals AS (
       SELECT configuration_id, sum(runs) AS runs, sum(completed) AS completed, sum(labelled) AS labelled,
              sum(accuracy_sum) AS accuracy_sum, sum(cost_usd) AS cost_usd, sum(duration_sum_ms) AS duration_sum_ms
         FROM configuration_parts GROUP BY configuration_id HAVING sum(runs) > 0
     )
     SELECT jsonb_build_object(
       'configurations', (SELECT coalesce(jsonb_agg(jsonb_build_object('configuration_id', t.configuration_id, 'name', c.name, 'runs', t.runs,
                                           'completed', t.completed, 'avg_accuracy', t.accuracy_sum / nullif(t.labelled, 0),
                                           'labelled_runs', t.labelled, 'avg_cost_usd', t.cost_usd / t.runs, 'total_cost_usd', t.cost_usd,
                                           'avg_duration_ms', round(t.duration_sum_ms::numeric / t.runs)) ORDER BY t.runs DESC, t.configuration_id), '[]')
                            FROM totals t JOIN configurations c ON c.id = t.configuration_id),
       'totals', (SELECT jsonb_build_object('runs', coalesce(sum(runs), 0), 'completed', coalesce(sum(completed), 0),
                                            'avg_accuracy', sum(accuracy_sum) / nullif(sum(labelled), 0)) FROM totals)
     ) AS runs`,
    [range.from.toISOString(), range.to.toISOString(), PENDING_READ_CAP],
  );
  return parseRows(RunsOverTimeRowSchema, result.rows, 'configurationRunsOverTime')[0]!.runs;
}

