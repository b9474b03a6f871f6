import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitReviewUpdate } from '../../src/workflows/human-review.ts';
import { invoice, mixedProviderConfig } from '../support/documents.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

async function callsByRun(stack: TestStack, itemId: string) {
  const result = await stack.pool.query<{ run_id: string; stage: string; model: string; success: boolean }>(
    'SELECT run_id, stage, model, success FROM model_usage WHERE queue_item_id = $1 ORDER BY id',
    [itemId],
  );
  return result.rows;
}

async function queue(stack: TestStack, n: number): Promise<string> {
  return (await stack.request('POST', '/queue', invoice(n))).body.id;
}

describe('resume from the failed stage', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ QUARRY_ATTEMPTS_PER_MODEL: '1' });
  });
  afterAll(async () => stack?.stop());

  it('reuses the stages that finished and pays only for the rest', async () => {
    await stack.setFaults({ 'gpt-4o': { status: 500, rate: 1 } });
    const id = await queue(stack, 40);
    await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig);
    const failed = await waitForStatus(stack, id, ['failed', 'completed']);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/stage validate failed/);
    const firstRun = failed.run_id as string;

    await stack.setFaults({});
    const retried = await stack.request('POST', `/queue/${id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body.from_stage).toBe('validate');
    const done = await waitForStatus(stack, id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.run_id).not.toBe(firstRun);

    const calls = await callsByRun(stack, id);
    const secondRun = calls.filter((call) => call.run_id === done.run_id);
    // The ledger proves it: the new run called no model for classify or extract.
    expect(secondRun[0]?.stage).toBe('validate');
    expect(secondRun.some((call) => call.stage === 'classify')).toBe(false);
    expect(secondRun.find((call) => call.stage === 'validate')).toMatchObject({ model: 'gpt-4o', success: true });
    expect(calls.filter((call) => call.run_id === firstRun && call.stage === 'classify')).toHaveLength(1);
    expect(done.stages.find((stage: { stage: string }) => stage.stage === 'classify')).toMatchObject({ status: 'completed', attempts: 0 });

    const progress = await stack.temporal.workflow.getHandle(`extraction-${id}`).query<{ stages: Array<{ stage: string; status: string }> }>('progress');
    expect(progress.stages.slice(0, 3).map((stage) => [stage.stage, stage.status])).toEqual([
      ['parse', 'completed'],
      ['classify', 'reused'],
      ['extract', 'reused'],
    ]);
  });

  it('takes a new configuration for the stages that run again, and refuses to resume past what finished', async () => {
    await stack.setFaults({ 'gpt-4o': { status: 500, rate: 1 } });
    const id = await queue(stack, 41);
    await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig);
    expect((await waitForStatus(stack, id, ['failed', 'completed'])).status).toBe('failed');
    await stack.setFaults({});

    const tooLate = await stack.request('POST', `/queue/${id}/retry`, { from_stage: 'review' });
    expect(tooLate.status).toBe(409);
    expect(tooLate.body.error).toMatchObject({ code: 'nothing_to_reuse', details: { resumable_from: 'validate' } });

    const newConfig = { ...mixedProviderConfig, stage_models: { ...mixedProviderConfig.stage_models, validate: ['gemini-3.5-flash'] } };
    const retried = await stack.request('POST', `/queue/${id}/retry`, { configuration: newConfig });
    expect(retried.status).toBe(202);
    const done = await waitForStatus(stack, id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    const validate = (await callsByRun(stack, id)).filter((call) => call.run_id === done.run_id && call.stage === 'validate');
    expect(validate[0]?.model).toBe('gemini-3.5-flash');
  });
});

describe('budgets', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => stack?.stop());

  const config = (maxCostUsd: number) => ({
    ...mixedProviderConfig,
    orchestrator_model: 'gpt-4.1-nano',
    stage_models: { classify: ['gemini-3.1-flash-lite'], extract: ['claude-opus-4-7', 'gpt-4.1-nano'], validate: ['gpt-4.1-nano'] },
    max_cost_usd: maxCostUsd,
  });

  it('moves down the chain to a cheaper model rather than overspend', async () => {
    const id = await queue(stack, 50);
    await stack.request('POST', `/queue/process/${id}`, config(0.002));
    const item = await waitForStatus(stack, id, ['completed', 'failed']);
    expect(item.error).toBeUndefined();
    expect(item.status).toBe('completed');
    const calls = await callsByRun(stack, id);
    expect(calls.some((call) => call.model === 'claude-opus-4-7')).toBe(false);
    expect(calls.find((call) => call.stage === 'extract')?.model).toBe('gpt-4.1-nano');
    expect(item.usage.cost_usd).toBeLessThanOrEqual(0.002);
    const progress = await stack.temporal.workflow.getHandle(`extraction-${id}`).query<{ stages: Array<{ stage: string; hops: Array<{ model: string; error: string }> }> }>('progress');
    expect(progress.stages.find((stage) => stage.stage === 'extract')?.hops[0]).toMatchObject({ model: 'claude-opus-4-7', error: expect.stringMatching(/^budget:/) });
  });

  it('stops with a clear error when no model fits the budget', async () => {
    const id = await queue(stack, 51);
    await stack.request('POST', `/queue/process/${id}`, config(0.000001));
    const item = await waitForStatus(stack, id, ['completed', 'failed']);
    expect(item.status).toBe('failed');
    expect(item.error).toMatch(/budget: .* cap/);
    expect(await callsByRun(stack, id)).toEqual([]);
  });
});

describe('human review', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => stack?.stop());

  // A threshold of 1 sends every item to review, since no model is that sure of every field.
  const withReview = (review: Record<string, unknown>) => ({ ...mixedProviderConfig, review: { confidence_threshold: 1, ...review } });

  it('waits durably for a reviewer, whose corrections become the ground truth', async () => {
    const id = await queue(stack, 60);
    await stack.request('POST', `/queue/process/${id}`, withReview({ deadline_hours: 1 }));
    const waiting = await waitForStatus(stack, id, ['needs_review', 'completed', 'failed']);
    expect(waiting.status).toBe('needs_review');
    expect(waiting.result.review_reasons.length).toBeGreaterThan(0);
    const handle = stack.temporal.workflow.getHandle(`extraction-${id}`);
    const description = await handle.describe();
    expect(description.status.name).toBe('RUNNING');

    // The validator refuses a correction of a field the item does not have.
    await expect(handle.executeUpdate(submitReviewUpdate, { args: [{ reviewer: 'ana', corrections: { nope: 1 } }] })).rejects.toThrow(
      WorkflowUpdateFailedError,
    );

    const corrected = 'INV-CORRECTED';
    await handle.executeUpdate(submitReviewUpdate, { args: [{ reviewer: 'ana', corrections: { invoice_number: corrected } }] });
    const done = await waitForStatus(stack, id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.result.reviewed_by).toBe('ana');
    expect(done.result.fields['/invoice_number']).toMatchObject({ value: corrected, corrected_by: 'ana' });
    expect(done.result.data.invoice_number).toBe(corrected);
    expect(done.expected.invoice_number).toBe(corrected);
    // The model said something else for that field, so it is scored wrong against the correction.
    expect(done.result.scoring['/invoice_number'].correct).toBe(false);
    expect(done.accuracy).toBeLessThan(1);

    // A second decision is refused: the run is no longer waiting.
    await expect(handle.executeUpdate(submitReviewUpdate, { args: [{ reviewer: 'bo', corrections: {} }] })).rejects.toThrow();
  });

  it('applies the deadline policy when nobody decides in time', async () => {
    const accepted = await queue(stack, 61);
    const failed = await queue(stack, 62);
    // About two seconds.
    await stack.request('POST', `/queue/process/${accepted}`, withReview({ deadline_hours: 0.0006, on_deadline: 'accept' }));
    await stack.request('POST', `/queue/process/${failed}`, withReview({ deadline_hours: 0.0006, on_deadline: 'fail' }));
    const a = await waitForStatus(stack, accepted, ['completed', 'failed']);
    const f = await waitForStatus(stack, failed, ['completed', 'failed']);
    expect(a.status).toBe('completed');
    expect(a.result.reviewed_by).toBeUndefined();
    expect(f.status).toBe('failed');
    expect(f.error).toMatch(/review deadline/);
  });
});
