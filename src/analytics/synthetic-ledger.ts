import type { Pool } from '../db/pool.ts';
import type { CatalogModel } from '../providers/types.ts';
import { MODEL_STAGES } from '../contract/stages.ts';

export interface SyntheticLedgerOptions {
  rows: number;
  from: Date;
  to: Date;
  /** Prefix of every call_key, so that generated rows never collide with real ones (or each other). */
  tag: string;
  models: ReadonlyArray<Pick<CatalogModel, 'id' | 'provider'>>;
  configurations: readonly string[];
  /** Rows per INSERT statement. */
  batch?: number;
  /** Called after each batch with the rows written so far. */
  onProgress?: (written: number) => void;
}

const STAGES = MODEL_STAGES;

/**
 * Appends `rows` synthetic provider calls to the ledger with generate_series, spread evenly over
 * [from, to): every stage of every configuration, each configuration with one model per stage, log-normal latencies around a
 * per-model median (tens of ms to seconds), about 4 % failures. For the analytics benchmark and for
 * tests of the roll-ups against the ledger; every row is marked simulated.
 */
export async function generateSyntheticLedger(pool: Pool, options: SyntheticLedgerOptions): Promise<void> {
  const batch = options.batch ?? 1_000_000;
  const span = options.to.getTime() - options.from.getTime();
  for (let start = 0; start < options.rows; start += batch) {
    const end = Math.min(options.rows, start + batch);
    await pool.query(
      `WITH models AS (
         SELECT n - 1 AS i, model, provider, 20 * power(1.6, (n - 1) % 10) AS median_ms
           FROM unnest($4::text[], $5::text[]) WITH ORDINALITY AS m(model, provider, n)
       ),
       calls AS (
         SELECT g, random() AS u1, random() AS u2, random() AS u3, g % cardinality($6::uuid[]) AS config, (g / 7) % 4 AS stage,
                $3::timestamptz + ($7::float8 * (g::float8 / $8::float8)) * interval '1 millisecond' AS at
           FROM generate_series($1::bigint, $2::bigint - 1) AS g
       )
       INSERT INTO model_usage (call_key, configuration_id, stage, model, provider, attempt, input_tokens, output_tokens,
                                response_time_ms, cost_usd, success, error, simulated, created_at)
       SELECT $9 || '/' || c.g, ($6::uuid[])[1 + c.config], ($10::text[])[1 + c.stage],
              m.model, m.provider, 1, 400 + (c.u3 * 4000)::int, 10 + (c.u3 * 300)::int,
              greatest(1, (m.median_ms * exp(0.45 * sqrt(-2 * ln(1 - c.u1)) * cos(2 * pi() * c.u2)))::int),
              round((0.000002 + c.u3 * 0.004)::numeric, 8), c.u2 >= 0.04, CASE WHEN c.u2 < 0.04 THEN 'simulated failure' END, true, c.at
         FROM calls c JOIN models m ON m.i = (c.config * 7 + c.stage * 3) % cardinality($4::text[])`,
      [
        start,
        end,
        options.from.toISOString(),
        options.models.map((model) => model.id),
        options.models.map((model) => model.provider),
        options.configurations,
        span,
        options.rows,
        options.tag,
        STAGES,
      ],
    );
    options.onProgress?.(end);
  }
}
