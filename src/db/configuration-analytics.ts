import type { ModelStage } from '../contract/stages.ts';
import type { Pool } from './pool.ts';
import { toNumber } from './pool.ts';

export interface ConfigurationFilters {
  from?: Date | undefined;
  to?: Date | undefined;
  configurationId?: string | undefined;
  /** Configurations that name any of these models (in `stage`'s chain when given, else anywhere). */
  models?: string[] | undefined;
  stage?: ModelStage | undefined;
}

const NUMERIC = ['times_used', 'labelled_runs', 'avg_accuracy', 'avg_cost_usd', 'avg_duration_ms', 'success_rate', 'total_cost_usd'];

/**
 * The rows of `configuration_performance`, narrowed by `filters`. Without a time range they are the
 * view's rows (the configuration_usage roll-up, kept current by every finished run); with one, the
 * same aggregates over the configuration runs that finished inside it.
 */
export async function configurationPerformance(pool: Pool, filters: ConfigurationFilters): Promise<Array<Record<string, unknown>>> {
  const values: unknown[] = [];
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
  const timed = filters.from !== undefined || filters.to !== undefined;
  let sql: string;
  if (!timed) {
    sql = `SELECT c.id AS configuration_id, c.name, c.config, u.times_used, u.labelled_runs, u.avg_accuracy, u.avg_cost_usd,
                  u.avg_duration_ms, u.success_rate, u.total_cost_usd, u.updated_at
             FROM configurations c JOIN configuration_usage u ON u.configuration_id = c.id
            ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
            ORDER BY u.times_used DESC, c.id`;
  } else {
    const runWhere = [
      ...(filters.from ? [`r.finished_at >= ${param(filters.from.toISOString())}::timestamptz`] : []),
      ...(filters.to ? [`r.finished_at < ${param(filters.to.toISOString())}::timestamptz`] : []),
    ];
    sql = `SELECT c.id AS configuration_id, c.name, c.config, count(*)::int AS times_used, count(r.accuracy)::int AS labelled_runs,
                  round(avg(r.accuracy), 5) AS avg_accuracy, round(avg(r.cost_usd), 8) AS avg_cost_usd,
                  round(avg(r.duration_ms), 2) AS avg_duration_ms, round(avg((r.status = 'completed')::int), 5) AS success_rate,
                  sum(r.cost_usd) AS total_cost_usd, max(r.finished_at) AS updated_at
             FROM configuration_runs r JOIN configurations c ON c.id = r.configuration_id
            WHERE ${[...runWhere, ...where].join(' AND ')}
            GROUP BY c.id, c.name, c.config
            ORDER BY times_used DESC, c.id`;
  }
  const result = await pool.query(sql, values);
  return result.rows.map((row: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => [key, NUMERIC.includes(key) ? toNumber(value) : value instanceof Date ? value.toISOString() : value]),
    ),
  );
}
