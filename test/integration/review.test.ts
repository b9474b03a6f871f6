import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoice } from '../support/documents.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

const config = {
  temperature: 0,
  orchestrator_model: 'gpt-4.1-mini',
  orchestrator_prompt: '',
  stage_models: { classify: ['gemini-3.1-flash-lite'], extract: ['claude-haiku-4-5'], validate: ['gpt-4.1-mini'] },
};

async function processed(stack: TestStack, item: object, body: object = config) {
  const { body: created } = await stack.request('POST', '/queue', item);
  await stack.request('POST', `/queue/process/${created.id}`, body);
  return created.id as string;
}

describe('reviewer corrections', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => stack?.stop());

  it('become the ground truth: the item and its configuration are rescored', async () => {
    const labelled = invoice(800);
    const id = await processed(stack, labelled);
    const item = await waitForStatus(stack, id, ['completed']);
    // Say a text field the model got right is in fact something else: its accuracy must drop by one field.
    const right = Object.entries(item.result.scoring as Record<string, { correct: boolean }>).find(
      ([pointer, field]) => field.correct && ['/invoice_number', '/vendor_name'].includes(pointer),
    )![0];
    const name = right.slice(1);
    const response = await stack.request('POST', `/queue/${id}/review`, { reviewer: 'ada', corrections: { [right]: 'corrected by a person' } });
    expect(response.status).toBe(200);
    expect(response.body.accuracy).toBeCloseTo(item.accuracy - 0.2, 5);
    expect(response.body.expected[name]).toBe('corrected by a person');
    expect(response.body.rescored_runs).toEqual([{ run_id: item.run_id, configuration_id: item.configuration_id, accuracy: response.body.accuracy }]);

    const after = await stack.request('GET', `/queue/${id}`);
    expect(after.body.accuracy).toBeCloseTo(response.body.accuracy, 5);
    expect(after.body.expected[name]).toBe('corrected by a person');
    const runs = await stack.pool.query('SELECT accuracy FROM configuration_runs WHERE run_id = $1', [item.run_id]);
    expect(Number(runs.rows[0].accuracy)).toBeCloseTo(response.body.accuracy, 5);
    // The configuration's figures follow: its roll-up equals the average over its runs.
    const usage = await stack.pool.query(
      `SELECT u.avg_accuracy, (SELECT avg(accuracy) FROM configuration_runs WHERE configuration_id = $1) AS truth
         FROM configuration_usage u WHERE u.configuration_id = $1`,
      [item.configuration_id],
    );
    expect(Number(usage.rows[0].avg_accuracy)).toBeCloseTo(Number(usage.rows[0].truth), 5);
    const stored = await stack.pool.query('SELECT reviewer, corrections FROM item_reviews WHERE queue_item_id = $1', [id]);
    expect(stored.rows).toEqual([{ reviewer: 'ada', corrections: { [right]: 'corrected by a person' } }]);
  });

  it("labels an unlabelled item: the values the reviewer left alone are accepted as they are", async () => {
    const { expected: _expected, ...unlabelled } = invoice(801);
    const id = await processed(stack, unlabelled);
    const item = await waitForStatus(stack, id, ['completed']);
    expect(item.accuracy).toBeUndefined();
    const response = await stack.request('POST', `/queue/${id}/review`, { reviewer: 'grace', corrections: { invoice_number: `X-${randomUUID()}` } });
    expect(response.status).toBe(200);
    expect(response.body.accuracy).toBeCloseTo(0.8, 5);
    expect(response.body.expected).toEqual({ ...item.result.data, invoice_number: response.body.expected.invoice_number });
    expect(Object.keys(item.result.fields).sort()).toEqual(Object.keys(item.result.data).map((key) => `/${key}`).sort());
  });

  it('refuses what cannot be corrected', async () => {
    const { body: pending } = await stack.request('POST', '/queue', invoice(802));
    const notFinished = await stack.request('POST', `/queue/${pending.id}/review`, { reviewer: 'ada', corrections: { paid: true } });
    expect(notFinished.status).toBe(409);
    expect(notFinished.body.error.code).toBe('not_finished');
    expect((await stack.request('POST', `/queue/${randomUUID()}/review`, { reviewer: 'ada', corrections: { paid: true } })).status).toBe(404);
    expect((await stack.request('POST', `/queue/${pending.id}/review`, { reviewer: 'ada', corrections: {} })).status).toBe(400);

    const id = await processed(stack, invoice(803));
    await waitForStatus(stack, id, ['completed']);
    const unknown = await stack.request('POST', `/queue/${id}/review`, { reviewer: 'ada', corrections: { nope: 1 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('invalid_corrections');
    const wrongType = await stack.request('POST', `/queue/${id}/review`, { reviewer: 'ada', corrections: { total_amount: 'lots' } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toMatch(/\/total_amount: expected a number/);
    const pastTheEnd = await stack.request('POST', `/queue/${id}/review`, { reviewer: 'ada', corrections: { '/vendor_name/x': 'y' } });
    expect(pastTheEnd.status).toBe(400);

  });

  it('delivers a decision on a waiting item to its run, which finalises with it', async () => {
    const waiting = await processed(stack, invoice(804), { ...config, review: { confidence_threshold: 1, deadline_hours: 1 } });
    await waitForStatus(stack, waiting, ['needs_review']);
    const wrongType = await stack.request('POST', `/queue/${waiting}/review`, { reviewer: 'ada', corrections: { paid: 'maybe' } });
    expect(wrongType.status).toBe(400);

    const accepted = await stack.request('POST', `/queue/${waiting}/review`, { reviewer: 'ada', corrections: { paid: true } });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ id: waiting, status: 'accepted', workflow_id: `extraction-${waiting}` });
    const done = await waitForStatus(stack, waiting, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.result).toMatchObject({ reviewed_by: 'ada', data: { paid: true }, fields: { '/paid': { value: true, corrected_by: 'ada' } } });

    // Accepting as is: no corrections at all.
    const asIs = await processed(stack, invoice(805), { ...config, review: { confidence_threshold: 1, deadline_hours: 1 } });
    await waitForStatus(stack, asIs, ['needs_review']);
    expect((await stack.request('POST', `/queue/${asIs}/review`, { reviewer: 'bo', corrections: {} })).status).toBe(202);
    const finished = await waitForStatus(stack, asIs, ['completed', 'failed']);
    expect(finished.result.reviewed_by).toBe('bo');
    expect(finished.accuracy).toBe(1);
  });
});
