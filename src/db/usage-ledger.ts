import type { Pool } from './pool.ts';
import { storeOutputSql, storeOutputValues, type OutputKey } from './stage-outputs.ts';
import { stripNul } from './strip-nul.ts';

export interface UsageRecord {
  /** The attempt's deterministic identity: workflow, run, activity, attempt and model. */
  callKey: string;
  queueItemId: string | null;
  configurationId: string | null;
  workflowId: string | null;
  runId: string | null;
  stage: string;
  model: string;
  provider: string;
  temperature: number | null;
  attempt: number;
  /** The pass of the stage: 0 first, 1.. re-extraction rounds. */
  step: number;
  /** Every input token, cached ones included. */
  inputTokens: number;
  /** Input tokens read from the provider's prompt cache (billed at the cached-input price). */
  cachedInputTokens: number;
  /** Input tokens written to the provider's prompt cache (Anthropic bills them above the input price). */
  cacheWriteTokens: number;
  /** Every output token, reasoning included. */
  outputTokens: number;
  /** The output tokens spent reasoning, as the provider reported them. */
  reasoningTokens: number;
  responseTimeMs: number;
  costUsd: number;
  success: boolean;
  error: string | null;
  finishReason: string | null;
  simulated: boolean;
}

const LEDGER_COLUMNS = `call_key, queue_item_id, configuration_id, workflow_id, run_id, stage, model,
       provider, temperature, attempt, input_tokens, output_tokens, response_time_ms, cost_usd, success,
       error, finish_reason, simulated, step, cached_input_tokens, cache_write_tokens, reasoning_tokens`;
const LEDGER_INSERT = `INSERT INTO model_usage (${LEDGER_COLUMNS})
     VALUES (${Array.from({ length: 22 }, (_, n) => `$${n + 1}`).join(', ')})
     ON CONFLICT (call_key) DO NOTHING`;

function ledgerValues(record: UsageRecord): unknown[] {
  return [
    record.callKey,
    record.queueItemId,
    record.configurationId,
    record.workflowId,
    record.runId,
    record.stage,
    record.model,
    record.provider,
    record.temperature,
    record.attempt,
    record.inputTokens,
    record.outputTokens,
    Math.round(record.responseTimeMs),
    record.costUsd,
    record.success,
    record.error === null ? null : stripNul(record.error).slice(0, 4000),
    record.finishReason,
    record.simulated,
    record.step,
    record.cachedInputTokens,
    record.cacheWriteTokens,
    record.reasoningTokens,
  ];
}

/**
 * Appends one provider call attempt to the ledger. The insert is idempotent on `call_key`, so a
 * retried or replayed logging step never counts a call twice. Returns whether a row was added.
 *
 * With `output`, the stage's output that the call answered is kept in the same statement (see
 * db/stage-outputs.ts): one round trip, and the row and the answer are stored together or not at all.
 */
export async function recordUsage(pool: Pool, record: UsageRecord, output?: { key: OutputKey; model: string | null; value: unknown }): Promise<boolean> {
  if (!output) {
    const result = await pool.query(LEDGER_INSERT, ledgerValues(record));
    return result.rowCount === 1;
  }
  // Both inserts run whether or not the outer SELECT reads them; only the ledger's says whether a row was added.
  const result = await pool.query<{ added: number }>(
    `WITH added AS (${LEDGER_INSERT} RETURNING 1), kept AS (${storeOutputSql(23)})
     SELECT count(*)::int AS added FROM added`,
    [...ledgerValues(record), ...storeOutputValues(output.key, output.model, output.value)],
  );
  return result.rows[0]?.added === 1;
}
