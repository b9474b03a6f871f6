import type { Pool } from './pool.ts';

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

/**
 * Appends one provider call attempt to the ledger. The insert is idempotent on `call_key`, so a
 * retried or replayed logging step never counts a call twice. Returns whether a row was added.
 */
export async function recordUsage(pool: Pool, record: UsageRecord): Promise<boolean> {
  const result = await pool.query(
    `INSERT INTO model_usage (call_key, queue_item_id, configuration_id, workflow_id, run_id, stage, model,
       provider, temperature, attempt, input_tokens, output_tokens, response_time_ms, cost_usd, success,
       error, finish_reason, simulated, step, cached_input_tokens, cache_write_tokens, reasoning_tokens)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
     ON CONFLICT (call_key) DO NOTHING`,
    [
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
    ],
  );
  return result.rowCount === 1;
}

/** PostgreSQL text cannot hold NUL; provider error bodies sometimes do. */
export function stripNul(text: string): string {
  return text.replaceAll('\u0000', '');
}
