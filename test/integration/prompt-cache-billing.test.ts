import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoice, invoiceSchema } from '../support/documents.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

/**
 * Items of a batch share their stages' stable prompt head (instructions and schema), which the
 * providers' prompt caches reuse: OpenAI and Gemini implicitly, Anthropic at the `cache_control`
 * breakpoint Quarry sets after the head when it is long enough. The ledger keeps cached and
 * cache-write tokens in their own columns and prices them as billed — the price library's figure for
 * the same usage, cached input well below full input.
 */
describe('prompt caching in the ledger', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => stack?.stop());

  // Descriptions long enough that the shared head passes every provider's minimum cacheable length.
  const schema = { ...invoiceSchema, fields: invoiceSchema.fields.map((field) => ({ ...field, description: `${field.description}. `.repeat(80).slice(0, 1900) })) };
  const config = {
    temperature: 0,
    orchestrator_model: 'gpt-4.1-nano',
    orchestrator_prompt: '',
    stage_models: { classify: ['gemini-3.5-flash'], extract: ['gpt-5.4-mini'], validate: ['claude-sonnet-4-6'] },
    // Off: Sonnet answers through its strict tool, behind the cache breakpoint.
    reasoning: { validate: 'off' },
  };

  async function run(n: number) {
    const item = invoice(n);
    const id = (await stack.request('POST', '/queue', { ...item, schema })).body.id;
    expect((await stack.request('POST', `/queue/process/${id}`, config)).status).toBe(202);
    expect((await waitForStatus(stack, id, ['completed', 'failed'])).status).toBe('completed');
    const rows = await stack.pool.query<{ stage: string; model: string; step: number; input_tokens: number; cached_input_tokens: number; cache_write_tokens: number; output_tokens: number; reasoning_tokens: number; cost_usd: string }>(
      `SELECT stage, model, step, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_usd
         FROM model_usage WHERE queue_item_id = $1 AND step = 0 ORDER BY id`,
      [id],
    );
    return (stage: string) => rows.rows.find((row) => row.stage === stage)!;
  }

  it('writes the cache on the first item, reads it on the next, and prices both as the library does', async () => {
    const first = await run(600);
    const second = await run(601);

    expect(first('validate').cache_write_tokens).toBeGreaterThan(1024);
    expect(first('validate').cached_input_tokens).toBe(0);
    expect(second('validate').cached_input_tokens).toBe(first('validate').cache_write_tokens);
    expect(second('extract').cached_input_tokens).toBeGreaterThanOrEqual(1024);
    expect(second('extract').cached_input_tokens % 128).toBe(0);
    expect(second('classify').cached_input_tokens).toBeGreaterThanOrEqual(1024);
    expect(second('extract').reasoning_tokens).toBeGreaterThan(0);

    for (const row of [first('classify'), first('extract'), first('validate'), second('classify'), second('extract'), second('validate')]) {
      const usage = { inputTokens: row.input_tokens, cachedInputTokens: row.cached_input_tokens, cacheWriteTokens: row.cache_write_tokens, outputTokens: row.output_tokens };
      expect(Number(row.cost_usd), `${row.stage} ${row.model}`).toBeCloseTo(stack.catalog.costUsd(row.model, usage), 8);
    }
    // A cache read is billed at a tenth of the input price: the same call uncached costs more.
    const cached = second('extract');
    const uncached = stack.catalog.costUsd(cached.model, { inputTokens: cached.input_tokens, outputTokens: cached.output_tokens });
    expect(Number(cached.cost_usd)).toBeLessThan(uncached);
  });
});
