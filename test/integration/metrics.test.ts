import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoice, mixedProviderConfig } from '../support/documents.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

/** Reads one sample of a Prometheus text exposition: the value of `name{labels}` (labels in any order). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.lastIndexOf('}'));
    const found = Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('/metrics', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ QUARRY_SIM_FAULTS: JSON.stringify({ 'claude-sonnet-4-6': { status: 500, rate: 1, count: 1 } }) });
  });
  afterAll(async () => stack?.stop());

  it('exposes calls, tokens, cost and latency per model, agreeing with the ledger', async () => {
    const before = await stack.request('GET', '/metrics');
    expect(before.status).toBe(200);
    const callsBefore = sample(before.body, 'quarry_provider_calls_total', { model: 'gemini-3.5-flash', stage: 'classify', outcome: 'success' }) ?? 0;

    const id = (await stack.request('POST', '/queue', invoice(70))).body.id;
    await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig);
    await waitForStatus(stack, id, ['completed']);

    const { body } = await stack.request('GET', '/metrics');
    expect(sample(body, 'quarry_provider_calls_total', { model: 'gemini-3.5-flash', provider: 'google', stage: 'classify', outcome: 'success' })).toBe(callsBefore + 1);
    expect(sample(body, 'quarry_provider_calls_total', { model: 'claude-sonnet-4-6', stage: 'extract', outcome: 'server' })).toBeGreaterThanOrEqual(1);
    expect(sample(body, 'quarry_provider_tokens_total', { model: 'gpt-4o', stage: 'validate', direction: 'input' })).toBeGreaterThan(0);
    expect(sample(body, 'quarry_provider_cost_usd_total', { model: 'gpt-4.1', stage: 'review' })).toBeGreaterThan(0);
    expect(sample(body, 'quarry_provider_call_duration_seconds_count', { model: 'gpt-4o', stage: 'validate' })).toBeGreaterThanOrEqual(1);
    expect(body).toMatch(/quarry_http_request_duration_seconds_count\{method="POST",route="\/queue\/process\/:id",status="202"\}/);

    // The same call, counted in the ledger.
    const ledger = await stack.pool.query(`SELECT count(*)::int AS n FROM model_usage WHERE queue_item_id = $1 AND model = 'gemini-3.5-flash'`, [id]);
    expect(ledger.rows[0].n).toBe(1);
  });
});
