import type { Pool } from '../db/pool.ts';
import type { CatalogModel } from '../providers/types.ts';
import { MODEL_STAGES } from '../contract/stages.ts';

export interface SyntheticLedgerOptions {
  rows: number;
  from: Date;
  to: Date;
  /** Prefix of every call_key and run id, so that generated rows never collide with real ones (or each other). */
  tag: string;
  models: ReadonlyArray<Pick<CatalogModel, 'id' | 'provider'>>;
  configurations: readonly string[];
  /**
   * Also write what finished runs leave behind: the configurations (saved, with the models their
   * calls used), one queue item per document, a `configuration_runs` row per run with its stage
   * facts (every `labelledEvery`-th completed run labelled with an accuracy) and `configuration_usage`.
   */
  runs?: { documents: number; labelledEvery: number };
  /** Rows per INSERT statement (a multiple of 4, so that no run is split). */
  batch?: number;
  /** Called after each batch with the rows written so far. */
  onProgress?: (written: number) => void;
}

/** The stages a synthetic run calls a model for, in order (the SQL below writes one call for each). */
export const SYNTHETIC_STAGES = MODEL_STAGES;

/** The model configuration `config` runs on `stage`: the same rule the generated calls follow. */
export const syntheticModelIndex = (config: number, stage: number, models: number) => (config * 7 + stage * 3) % models;

/**
 * Appends `rows` synthetic provider calls to the ledger with generate_series, spread evenly over
 * [from, to): runs of four calls (one per stage), each run under one configuration that has one
 * model per stage, log-normal latencies around a per-model median (tens of ms to seconds), about
 * 4 % failed calls. For the analytics benchmark and for tests of the roll-ups against the ledger;
 * every row is marked simulated.
 */
export async function generateSyntheticLedger(pool: Pool, options: SyntheticLedgerOptions): Promise<void> {
  const batch = options.batch ?? 1_000_000;
  if (batch % 4 !== 0) throw new RangeError('batch must be a multiple of 4');
  const span = options.to.getTime() - options.from.getTime();
  const documentIds = options.runs ? await syntheticRunContext(pool, options) : [];
  for (let start = 0; start < options.rows; start += batch) {
    const end = Math.min(options.rows, start + batch);
    const params = [
      start,
      end,
      options.from.toISOString(),
      options.models.map((model) => model.id),
      options.models.map((model) => model.provider),
      options.configurations,
      span,
      options.rows,
      options.tag,
      SYNTHETIC_STAGES,
    ];
    const calls = `
      WITH models AS (
        SELECT n - 1 AS i, model, provider, 20 * power(1.6, (n - 1) % 10) AS median_ms
          FROM unnest($4::text[], $5::text[]) WITH ORDINALITY AS m(model, provider, n)
      ),
      calls AS (
        SELECT g, g / 4 AS run, random() AS u1, random() AS u2, random() AS u3, (g / 4) % cardinality($6::uuid[]) AS config, g % 4 AS stage,
               $3::timestamptz + ($7::float8 * (g::float8 / $8::float8)) * interval '1 millisecond' AS at
          FROM generate_series($1::bigint, $2::bigint - 1) AS g
      )
      INSERT INTO model_usage (call_key, run_id, configuration_id, stage, model, provider, attempt, input_tokens, output_tokens,
                               response_time_ms, cost_usd, success, error, simulated, created_at)
      SELECT $9 || '/' || c.g, $9 || '/run/' || c.run, ($6::uuid[])[1 + c.config], ($10::text[])[1 + c.stage],
             m.model, m.provider, 1, 400 + (c.u3 * 4000)::int, 10 + (c.u3 * 300)::int,
             greatest(1, (m.median_ms * exp(0.45 * sqrt(-2 * ln(1 - c.u1)) * cos(2 * pi() * c.u2)))::int),
             round((0.000002 + c.u3 * 0.004)::numeric, 8), c.u2 >= 0.04, CASE WHEN c.u2 < 0.04 THEN 'simulated failure' END, true, c.at
        FROM calls c JOIN models m ON m.i = (c.config * 7 + c.stage * 3) % cardinality($4::text[])`;
    if (!options.runs) {
      await pool.query(calls, params);
    } else {
      // The runs are written by the same statement as their calls, from the rows it inserted.
      await pool.query(
        `WITH inserted AS (${calls} RETURNING id, run_id, configuration_id, stage, model, success, cost_usd, response_time_ms, created_at),
         per_stage AS (
           SELECT run_id, configuration_id, stage, (array_agg(model ORDER BY id) FILTER (WHERE success))[1] AS model,
                  sum(cost_usd) AS cost_usd, sum(response_time_ms) AS latency_ms, max(created_at) AS finished_at
             FROM inserted GROUP BY run_id, configuration_id, stage
         )
         INSERT INTO configuration_runs (run_id, configuration_id, queue_item_id, status, accuracy, cost_usd, duration_ms, finished_at,
                                         stage_models, stage_costs_usd, stage_latencies_ms)
         SELECT run_id, configuration_id, ($11::uuid[])[1 + run % cardinality($11::uuid[])],
                CASE WHEN run % 25 = 0 THEN 'failed' ELSE 'completed' END,
                CASE WHEN run % 25 <> 0 AND run % $12 = 0 THEN round((0.6 + 0.4 * random())::numeric, 5) END,
                cost_usd, duration_ms, finished_at, models, costs, latencies
           FROM (SELECT run_id, split_part(run_id, '/run/', 2)::bigint AS run, configuration_id, sum(p.cost_usd) AS cost_usd,
                        sum(p.latency_ms) AS duration_ms, max(p.finished_at) AS finished_at,
                        array_agg(p.model ORDER BY o.n) AS models, array_agg(coalesce(p.cost_usd, 0) ORDER BY o.n) AS costs,
                        array_agg(coalesce(p.latency_ms, 0) ORDER BY o.n) AS latencies
                   FROM (SELECT DISTINCT run_id, configuration_id FROM per_stage) r
                   CROSS JOIN unnest($10::text[]) WITH ORDINALITY AS o(stage, n)
                   LEFT JOIN per_stage p USING (run_id, configuration_id, stage)
                  GROUP BY run_id, configuration_id) runs
          -- In the order runs finish, as finishing runs write them.
          ORDER BY finished_at`,
        [...params, documentIds, options.runs.labelledEvery],
      );
    }
    options.onProgress?.(end);
  }
  if (options.runs) {
    await pool.query(
      `INSERT INTO configuration_usage (configuration_id, times_used, labelled_runs, avg_accuracy, avg_cost_usd, avg_duration_ms, success_rate, total_cost_usd)
       SELECT configuration_id, count(*), count(accuracy), avg(accuracy), avg(cost_usd), avg(duration_ms), avg((status = 'completed')::int), sum(cost_usd)
         FROM configuration_runs WHERE configuration_id = ANY($1::uuid[]) GROUP BY configuration_id
       ON CONFLICT (configuration_id) DO UPDATE SET times_used = EXCLUDED.times_used, labelled_runs = EXCLUDED.labelled_runs,
         avg_accuracy = EXCLUDED.avg_accuracy, avg_cost_usd = EXCLUDED.avg_cost_usd, avg_duration_ms = EXCLUDED.avg_duration_ms,
         success_rate = EXCLUDED.success_rate, total_cost_usd = EXCLUDED.total_cost_usd, updated_at = now()`,
      [options.configurations],
    );
  }
}

/** The saved configurations and the documents (queue items) the synthetic runs refer to. */
async function syntheticRunContext(pool: Pool, options: SyntheticLedgerOptions): Promise<string[]> {
  const modelFor = (config: number, stage: number) => options.models[syntheticModelIndex(config, stage, options.models.length)]!.id;
  const configs = options.configurations.map((id, config) => ({
    id,
    config: {
      temperature: 0,
      orchestrator_model: modelFor(config, 3),
      orchestrator_prompt: '',
      stage_models: { classify: [modelFor(config, 0)], extract: [modelFor(config, 1)], validate: [modelFor(config, 2)] },
    },
  }));
  await pool.query(
    `INSERT INTO configurations (id, name, fingerprint, config)
     SELECT (c->>'id')::uuid, 'synthetic ' || n, $2 || '/' || n, c->'config' FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(c, n)
     ON CONFLICT (id) DO NOTHING`,
    [JSON.stringify(configs), options.tag],
  );
  const documents = await pool.query<{ id: string }>(
    `INSERT INTO ai_extraction_queue (status, document_text, document_mime_type, document_bytes, extraction_schema, expected, metadata)
     SELECT 'completed', 'Synthetic document ' || n || ' (' || $2 || ')', 'text/plain', 40,
            '{"name": "synthetic", "fields": [{"name": "total", "type": "number"}]}', jsonb_build_object('total', n),
            jsonb_build_object('synthetic', $2::text)
       FROM generate_series(1, $1::int) AS n
     RETURNING id`,
    [options.runs!.documents, options.tag],
  );
  return documents.rows.map((row) => row.id);
}
