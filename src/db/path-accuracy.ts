import { z } from 'zod';
import type { Pool } from './pool.ts';
import { parseRows } from './rows.ts';

/**
 * Accuracy per field path, from the scoring every labelled completed item keeps in its result
 * (`result.scoring`, by JSON Pointer; rescored when a reviewer corrects the item). Pointers fold
 * into the schema's paths by their list indices (`/line_items/2/amount` → `/line_items/*\/amount`),
 * and are grouped per configuration (the one of the item's current run) and schema name, so two
 * schemas with a `total` do not mix. An experiment's arms run copies of its items, so the same
 * figures per arm come from the experiment's items.
 */

const PathAccuracyRowSchema = z.object({
  configuration_id: z.string().nullable(),
  configuration_name: z.string().nullable(),
  schema_name: z.string().nullable(),
  path: z.string(),
  items: z.coerce.number(),
  values: z.coerce.number(),
  correct: z.coerce.number(),
});
export type PathAccuracyRow = z.infer<typeof PathAccuracyRowSchema> & { accuracy: number };

export interface PathAccuracyFilters {
  from?: Date | undefined;
  to?: Date | undefined;
  configurationId?: string | undefined;
  experimentId?: string | undefined;
  /** At most this many rows, least accurate first. */
  limit: number;
}

export async function pathAccuracy(pool: Pool, filters: PathAccuracyFilters): Promise<PathAccuracyRow[]> {
  const result = await pool.query(
    `SELECT q.configuration_id::text, c.name AS configuration_name, q.extraction_schema->>'name' AS schema_name,
            regexp_replace(s.key, '/(0|[1-9][0-9]*)(?=/|$)', '/*', 'g') AS path,
            count(DISTINCT q.id) AS items, count(*) AS values,
            count(*) FILTER (WHERE s.value->>'correct' = 'true') AS correct
       FROM ai_extraction_queue q
       CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(q.result->'scoring') = 'object' THEN q.result->'scoring' ELSE '{}'::jsonb END) s
       LEFT JOIN configurations c ON c.id = q.configuration_id
      WHERE q.status = 'completed'
        AND ($1::timestamptz IS NULL OR q.finished_at >= $1)
        AND ($2::timestamptz IS NULL OR q.finished_at < $2)
        AND ($3::uuid IS NULL OR q.configuration_id = $3)
        AND ($4::uuid IS NULL OR q.id IN (SELECT item_id FROM experiment_runs WHERE experiment_id = $4))
      GROUP BY 1, 2, 3, 4
      ORDER BY count(*) FILTER (WHERE s.value->>'correct' = 'true')::float8 / count(*), count(*) DESC, 4
      LIMIT $5`,
    [filters.from ?? null, filters.to ?? null, filters.configurationId ?? null, filters.experimentId ?? null, filters.limit],
  );
  return parseRows(PathAccuracyRowSchema, result.rows, 'pathAccuracy').map((row) => ({ ...row, accuracy: row.correct / row.values }));
}
