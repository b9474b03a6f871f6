import { z } from 'zod';
import type { Pool } from './pool.ts';
import { nullableNumeric, parseRows, timestamp } from './rows.ts';

const RunCallSchema = z.object({
  stage: z.string(),
  step: z.number(),
  model: z.string(),
  provider: z.string(),
  attempt: z.number(),
  success: z.boolean(),
  error: z.string().nullable(),
  input_tokens: z.number(),
  cached_input_tokens: z.number(),
  cache_write_tokens: z.number(),
  output_tokens: z.number(),
  reasoning_tokens: z.number(),
  response_time_ms: z.number(),
  cost_usd: nullableNumeric,
  temperature: nullableNumeric,
  simulated: z.boolean(),
  created_at: timestamp,
});
export type RunCall = z.infer<typeof RunCallSchema>;

/** Every provider call attempt of one run of an item, as the usage ledger recorded it, in order. */
export async function callsOfRun(pool: Pool, queueItemId: string, runId: string): Promise<RunCall[]> {
  const result = await pool.query(
    `SELECT stage, step, model, provider, attempt, success, error, input_tokens, cached_input_tokens, cache_write_tokens,
            output_tokens, reasoning_tokens, response_time_ms, cost_usd, temperature, simulated, created_at
       FROM model_usage WHERE queue_item_id = $1 AND run_id = $2 ORDER BY id`,
    [queueItemId, runId],
  );
  return parseRows(RunCallSchema, result.rows, 'callsOfRun');
}
