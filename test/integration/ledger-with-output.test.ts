import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { insertDocuments } from '../../src/db/documents.ts';
import { createPool, type Pool } from '../../src/db/pool.ts';
import { insertQueueItems } from '../../src/db/queue-items.ts';
import { recordUsage, type UsageRecord } from '../../src/db/usage-ledger.ts';

/**
 * A model stage keeps its call's ledger row and its answer in one statement: the row stays
 * idempotent on call_key, the answer replaces an earlier attempt's, and neither is lost to the other.
 */
describe('the ledger row and the stage output in one statement', () => {
  let pool: Pool;
  let itemId: string;
  beforeAll(async () => {
    pool = createPool(inject('databaseUrl'));
    const text = 'Invoice Number: A-1';
    const [documentId] = (await insertDocuments(pool, [
      { format: 'text', mimeType: 'text/plain', declaredMimeType: null, filename: null, sizeBytes: text.length, sha256: createHash('sha256').update(text).digest('hex'), content: Buffer.from(text) },
    ])) as [string];
    [itemId] = (await insertQueueItems(pool, [
      { documentId, text, mimeType: 'text/plain', filename: null, bytes: text.length, schema: { type: 'object', properties: { invoice_number: { type: 'string' } }, required: ['invoice_number'] }, expected: null, metadata: {} },
    ])) as [string];
  });
  afterAll(async () => pool?.end());

  const record = (runId: string, attempt: number): UsageRecord => ({
    callKey: `extraction-${itemId}/${runId}/3/${attempt}/gpt-4.1-mini`,
    queueItemId: itemId,
    configurationId: null,
    workflowId: `extraction-${itemId}`,
    runId,
    stage: 'extract',
    model: 'gpt-4.1-mini',
    provider: 'openai',
    temperature: 0,
    attempt,
    step: 0,
    inputTokens: 100,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 20,
    reasoningTokens: 0,
    responseTimeMs: 12,
    costUsd: 0.0001,
    success: true,
    error: null,
    finishReason: 'stop',
    simulated: true,
  });
  const output = (runId: string, value: unknown) => ({ key: { queueItemId: itemId, runId, stage: 'extract', step: 0 }, model: 'gpt-4.1-mini', value });

  async function stored(runId: string) {
    const ledger = await pool.query('SELECT count(*)::int AS n FROM model_usage WHERE run_id = $1', [runId]);
    const outputs = await pool.query('SELECT output FROM stage_outputs WHERE run_id = $1', [runId]);
    return { ledgerRows: ledger.rows[0].n as number, outputs: outputs.rows.map((row) => row.output as unknown) };
  }

  it('adds the row once however often the same attempt is logged, and keeps the answer', async () => {
    const runId = randomUUID();
    expect(await recordUsage(pool, record(runId, 1), output(runId, { data: { invoice_number: 'A-1' }, confidence: { '/invoice_number': 0.9 } }))).toBe(true);
    expect(await recordUsage(pool, record(runId, 1), output(runId, { data: { invoice_number: 'A-1' }, confidence: { '/invoice_number': 0.9 } }))).toBe(false);
    expect(await stored(runId)).toEqual({ ledgerRows: 1, outputs: [{ data: { invoice_number: 'A-1' }, confidence: { '/invoice_number': 0.9 } }] });
  });

  it("keeps a later attempt's answer in place of the earlier one's, with both attempts in the ledger", async () => {
    const runId = randomUUID();
    await recordUsage(pool, record(runId, 1), output(runId, { data: { invoice_number: 'A-0' }, confidence: { '/invoice_number': 0.2 } }));
    await recordUsage(pool, record(runId, 2), output(runId, { data: { invoice_number: 'A-1' }, confidence: { '/invoice_number': 0.9 } }));
    expect(await stored(runId)).toEqual({ ledgerRows: 2, outputs: [{ data: { invoice_number: 'A-1' }, confidence: { '/invoice_number': 0.9 } }] });
  });

  it('drops NUL from an answer, which JSONB cannot hold, rather than lose the call', async () => {
    const runId = randomUUID();
    expect(await recordUsage(pool, record(runId, 1), output(runId, { data: { invoice_number: 'A-\u00001' }, confidence: { '/invoice_number': 0.9 } }))).toBe(true);
    expect(await stored(runId)).toEqual({ ledgerRows: 1, outputs: [{ data: { invoice_number: 'A-1' }, confidence: { '/invoice_number': 0.9 } }] });
  });
});
