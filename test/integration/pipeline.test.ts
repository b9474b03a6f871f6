import { refreshRollups } from '../../src/db/refresh-rollups.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExtractionStatusKey } from '../../src/temporal/search-attributes.ts';
import { invoice, mixedProviderConfig } from '../support/documents.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

interface LedgerRow {
  stage: string;
  model: string;
  provider: string;
  temperature: string | null;
  success: boolean;
  error: string | null;
  attempt: number;
  created_at: Date;
  call_key: string;
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost_usd: string;
}

async function ledger(stack: TestStack, itemId: string): Promise<LedgerRow[]> {
  const result = await stack.pool.query<LedgerRow>(
    `SELECT stage, model, provider, temperature, success, error, attempt, created_at, call_key, input_tokens,
            cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_usd
       FROM model_usage WHERE queue_item_id = $1 ORDER BY id`,
    [itemId],
  );
  return result.rows;
}

async function queue(stack: TestStack, n: number): Promise<string> {
  const { status, body } = await stack.request('POST', '/queue', invoice(n));
  expect(status).toBe(201);
  return body.id;
}

describe('the extraction pipeline on the simulator', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => stack?.stop());

  it('runs every stage with its configured model and temperature, and records each call once', async () => {
    const id = await queue(stack, 1);
    const started = await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ id, workflow_id: `extraction-${id}`, status: 'queued' });

    const item = await waitForStatus(stack, id, ['completed', 'failed']);
    expect(item.error).toBeUndefined();
    expect(item.status).toBe('completed');
    expect(item.model_config).toMatchObject(mixedProviderConfig);
    expect(Object.keys(item.result.fields).sort()).toEqual(['/invoice_number', '/issue_date', '/paid', '/total_amount', '/vendor_name']);
    expect(Object.keys(item.result.data).sort()).toEqual(['invoice_number', 'issue_date', 'paid', 'total_amount', 'vendor_name']);
    expect(item.result.document_type).toBe('invoice');
    expect(typeof item.accuracy).toBe('number');

    const rows = await ledger(stack, id);
    const byStage = (stage: string) => rows.filter((row) => row.stage === stage);
    expect(byStage('classify').map((row) => [row.model, row.provider])).toEqual([['gemini-3.5-flash', 'google']]);
    expect(byStage('extract')[0]).toMatchObject({ model: 'claude-sonnet-4-6', provider: 'anthropic' });
    expect(byStage('validate')[0]).toMatchObject({ model: 'gpt-4o', provider: 'openai' });
    expect(byStage('review')[0]).toMatchObject({ model: 'gpt-4.1', provider: 'openai' });
    // The temperature reaches the models whose API takes one; Anthropic's refuses any, so none is
    // sent and the ledger records none.
    for (const row of rows) expect(row.temperature === null ? null : Number(row.temperature)).toBe(row.provider === 'anthropic' ? null : 0.2);
    expect(new Set(rows.map((row) => row.call_key)).size).toBe(rows.length);
    // Each row's cost is the price library's figure for its usage, and a thinking model's reasoning is counted.
    for (const row of rows) {
      const usage = { inputTokens: row.input_tokens, cachedInputTokens: row.cached_input_tokens, cacheWriteTokens: row.cache_write_tokens, outputTokens: row.output_tokens };
      expect(Number(row.cost_usd)).toBeCloseTo(stack.catalog.costUsd(row.model, usage), 8);
    }
    expect(byStage('extract')[0]?.reasoning_tokens).toBeGreaterThan(0);

    // The simulator saw the same on the wire, through each SDK.
    const { requests: seen } = (await (await fetch(`${stack.simulatorUrl}/__sim/requests`)).json()) as { requests: Array<{ temperature: number | null; wire: string }> };
    expect(seen.length).toBeGreaterThanOrEqual(rows.length);
    expect(seen.every((request) => request.temperature === (request.wire === 'anthropic' ? null : 0.2))).toBe(true);

    expect(item.usage.calls).toBe(rows.length);
    expect(item.stages.map((stage: { stage: string; status: string }) => [stage.stage, stage.status])).toEqual([
      ['parse', 'completed'],
      ['classify', 'completed'],
      ['extract', 'completed'],
      ['validate', 'completed'],
      ['review', 'completed'],
      ['finalise', 'completed'],
    ]);

    const usage = await stack.pool.query('SELECT times_used FROM configuration_usage WHERE configuration_id = $1', [item.configuration_id]);
    expect(usage.rows[0]?.times_used).toBeGreaterThanOrEqual(1);
    // Roll up what the worker's schedule would have (the test stack runs none; see openai-compatible-endpoint.test.ts).
    await refreshRollups(stack.pool);
    const analytics = await stack.request('GET', '/analytics/models');
    expect(analytics.body.some((row: { model: string; stage: string }) => row.model === 'gemini-3.5-flash' && row.stage === 'classify')).toBe(true);
  });

  it('answers the progress query and keeps the search attributes current', async () => {
    const id = await queue(stack, 2);
    await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig);
    await waitForStatus(stack, id, ['completed']);
    const handle = stack.temporal.workflow.getHandle(`extraction-${id}`);
    // The queue row is final once finalise commits; the run closes a workflow task later.
    await handle.result();
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(ExtractionStatusKey)).toBe('completed');
    const progress = await handle.query<{ status: string; stages: Array<{ stage: string }> }>('progress');
    expect(progress.status).toBe('completed');
    const names = progress.stages.map((stage) => stage.stage);
    expect(names.slice(0, 5)).toEqual(['parse', 'classify', 'extract', 'validate', 'review']);
    expect(names.at(-1)).toBe('finalise');
    // At most one re-extraction round (extract, validate, review again) between review and finalise.
    expect([6, 9]).toContain(names.length);
  });

  it('reads a pasted text in place and extracts it whole without a plan: four tasks on the queue, one patch marker', async () => {
    const id = await queue(stack, 3);
    await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig);
    await waitForStatus(stack, id, ['completed']);
    const handle = stack.temporal.workflow.getHandle(`extraction-${id}`);
    await handle.result();
    const events = (await handle.fetchHistory()).events ?? [];
    const activities = events.flatMap((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    const local = events.flatMap((event) => {
      const marker = event.markerRecordedEventAttributes;
      if (marker?.markerName !== 'core_local_activity') return [];
      const data = marker.details?.data?.payloads?.[0]?.data;
      return data ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string }).activity_type] : [];
    });
    expect(activities.slice(0, 4)).toEqual(['classify', 'extract', 'validate', 'review']);
    expect(local[0]).toBe('parseInPlace');
    expect(local.at(-1)).toBe('finalise');
    // The first extraction reads the short text whole: a plan is made only for a re-extraction round.
    expect(local.indexOf('planChunks')).not.toBe(1);
    expect(events.filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_patch')).toHaveLength(1);
  });
});

describe('fallback chains', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      QUARRY_ATTEMPTS_PER_MODEL: '2',
      QUARRY_SIM_FAULTS: JSON.stringify({ 'claude-sonnet-4-6': { status: 500, rate: 1.0 } }),
    });
  });
  afterAll(async () => stack?.stop());

  it('moves to the next model when the primary always fails, and logs every failed attempt', async () => {
    const id = await queue(stack, 3);
    await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig);
    const item = await waitForStatus(stack, id, ['completed', 'failed']);
    expect(item.status).toBe('completed');

    const extract = (await ledger(stack, id)).filter((row) => row.stage === 'extract');
    const primary = extract.filter((row) => row.model === 'claude-sonnet-4-6');
    expect(primary).toHaveLength(2);
    expect(primary.every((row) => !row.success && /server/.test(row.error ?? ''))).toBe(true);
    expect(extract.find((row) => row.model === 'gpt-4.1-mini')?.success).toBe(true);
    expect(item.stages.find((stage: { stage: string }) => stage.stage === 'extract')).toMatchObject({
      model: 'gpt-4.1-mini',
      models_tried: ['claude-sonnet-4-6', 'gpt-4.1-mini'],
    });
  });

  it('fails the item with a clear error only when the chain is exhausted', async () => {
    const id = await queue(stack, 4);
    await stack.request('POST', `/queue/process/${id}`, { ...mixedProviderConfig, stage_models: { ...mixedProviderConfig.stage_models, extract: ['claude-sonnet-4-6'] } });
    const item = await waitForStatus(stack, id, ['completed', 'failed']);
    expect(item.status).toBe('failed');
    expect(item.error).toMatch(/stage extract failed with every model of its chain/);
    expect(item.error).toMatch(/claude-sonnet-4/);
    const handle = stack.temporal.workflow.getHandle(`extraction-${id}`);
    await handle.result().catch(() => undefined);
    expect((await handle.describe()).status.name).toBe('FAILED');
  });
});

describe('documents larger than a context window', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => stack?.stop());

  it('fail before any call when no model of a chain can take them', async () => {
    // About 150 000 tokens: more than gpt-4o's 128 000-token window.
    const text = `Invoice Number: INV-BIG\n${'Line item: widget, 1 unit.\n'.repeat(22_000)}`;
    const id = (await stack.request('POST', '/queue', { ...invoice(8), document: { text } })).body.id;
    const onlyGpt4o = { ...mixedProviderConfig, orchestrator_model: 'gpt-4o', stage_models: { classify: ['gpt-4o'], extract: ['gpt-4o'], validate: ['gpt-4o'] } };
    await stack.request('POST', `/queue/process/${id}`, onlyGpt4o);
    const item = await waitForStatus(stack, id, ['completed', 'failed']);
    expect(item.status).toBe('failed');
    expect(item.error).toMatch(/fits the context window of no model of the classify chain/);
    expect(item.usage.calls).toBe(0);
  });
});

describe('rate limits', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      QUARRY_SIM_FAULTS: JSON.stringify({ 'gemini-3.5-flash': { status: 429, rate: 1.0, retry_after_s: 1, count: 1 } }),
    });
  });
  afterAll(async () => stack?.stop());

  it("retries a 429 after its Retry-After, not the policy's shorter backoff", async () => {
    const id = await queue(stack, 5);
    await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig);
    await waitForStatus(stack, id, ['completed']);
    const classify = (await ledger(stack, id)).filter((row) => row.stage === 'classify');
    expect(classify.map((row) => [row.attempt, row.success])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(classify[0]!.error).toMatch(/rate_limited/);
    // The retry policy's initial interval is 50 ms here; Retry-After asked for a second.
    const gap = classify[1]!.created_at.getTime() - classify[0]!.created_at.getTime();
    expect(gap).toBeGreaterThanOrEqual(950);
  });
});

describe('concurrent process requests', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ QUARRY_SIM_LATENCY_MS: '50' });
  });
  afterAll(async () => stack?.stop());

  it('start exactly one workflow; the others get 409 naming it', async () => {
    const id = await queue(stack, 6);
    const responses = await Promise.all(Array.from({ length: 6 }, () => stack.request('POST', `/queue/process/${id}`, mixedProviderConfig)));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([202, 409, 409, 409, 409, 409]);
    const conflict = responses.find((response) => response.status === 409)!;
    expect(conflict.body.error).toMatchObject({ code: 'run_active', details: { workflow_id: `extraction-${id}` } });

    await waitForStatus(stack, id, ['completed']);
    const runs = [];
    for await (const run of stack.temporal.workflow.list({ query: `WorkflowId = 'extraction-${id}'` })) runs.push(run);
    expect(runs).toHaveLength(1);
    const finished = await stack.pool.query('SELECT count(*)::int AS n FROM configuration_runs WHERE queue_item_id = $1', [id]);
    expect(finished.rows[0].n).toBe(1);
  });

  it('cancels a running item and mirrors it in the queue', async () => {
    const id = await queue(stack, 7);
    await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig);
    await waitForStatus(stack, id, ['running']);
    const cancelled = await stack.request('POST', `/queue/${id}/cancel`);
    expect(cancelled.status).toBe(202);
    const item = await waitForStatus(stack, id, ['cancelled', 'completed']);
    expect(item.status).toBe('cancelled');
    const handle = stack.temporal.workflow.getHandle(`extraction-${id}`);
    await handle.result().catch(() => undefined);
    expect((await handle.describe()).status.name).toBe('CANCELLED');

    const retried = await stack.request('POST', `/queue/${id}/retry`);
    expect(retried.status).toBe(202);
    expect((await waitForStatus(stack, id, ['completed', 'failed'])).status).toBe('completed');
  });
});
