import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoice } from '../support/documents.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

// Models no other test file runs, so that which model is "current" on a stage (the one with most
// calls) is decided by this file alone. Single-model chains: the extract model decides each field.
const base = { temperature: 0, orchestrator_model: 'gpt-5-mini', orchestrator_prompt: '' };
const config = (classify: string, extract: string) => ({ ...base, stage_models: { classify: [classify], extract: [extract], validate: ['gpt-5-mini'] } });
// P is what the team runs; Q swaps only the classify model for a cheaper one (classification is not
// scored, so accuracy holds); R swaps only the extract model for a much less accurate one.
const P = config('o3', 'gpt-5.5');
const Q = config('o4-mini', 'gpt-5.5');
const R = config('o3', 'gpt-5.4-nano');

describe('cost recommendations', () => {
  let stack: TestStack;
  let body: any;
  beforeAll(async () => {
    stack = await startTestStack();
    const tag = randomUUID();
    const docs = Array.from({ length: 26 }, (_, i) => {
      const item = invoice(700 + i);
      return { ...item, document: { text: `${item.document.text}\nReference: ${tag}` } };
    });
    // Every document under P (six only under P, for P's larger volume), the first 20 under Q and R.
    const plan = [...docs.map((doc) => [doc, P] as const), ...docs.slice(0, 20).flatMap((doc) => [[doc, Q] as const, [doc, R] as const])];
    const created = await stack.request('POST', '/queue/batch', { items: plan.map(([doc]) => doc) });
    expect(created.status).toBe(201);
    const ids: string[] = created.body.ids;
    for (const [index, id] of ids.entries()) {
      const started = await stack.request('POST', `/queue/process/${id}`, plan[index]![1]);
      expect(started.status).toBe(202);
    }
    for (const id of ids) expect((await waitForStatus(stack, id, ['completed', 'failed'], 110_000)).status).toBe('completed');
    const response = await stack.request('GET', '/analytics/recommendations?days=1');
    expect(response.status).toBe(200);
    body = response.body;
  }, 180_000);
  afterAll(async () => stack?.stop());

  it('names the cheaper model where accuracy holds, with its evidence and the projected saving', () => {
    // Other test files run other classify models; the entry for the model this file runs is the one.
    const classify = body.stages.find((stage: { stage: string; current_model: string }) => stage.stage === 'classify' && stage.current_model === 'o3');
    expect(classify).toBeDefined();
    const candidate = classify.candidates.find((entry: { model: string }) => entry.model === 'o4-mini');
    expect(candidate.decision).toBe('switch');
    expect(candidate.evidence.pairs).toBe(20);
    expect(candidate.evidence.accuracy_difference).toEqual({ estimate: 0, low: 0, high: 0 });
    expect(candidate.evidence.cost_difference_per_item.high).toBeLessThan(0);
    expect(candidate.evidence.cost_per_item_candidate).toBeLessThan(candidate.evidence.cost_per_item_current);
    expect(candidate.evidence.failure_rate_candidate).toMatchObject({ rate: 0 });
    expect(candidate.projected_saving.usd_per_30_days).toBeGreaterThan(0);
    expect(candidate.projected_saving.stage_runs_per_30_days).toBeGreaterThan(0);
    expect(candidate.reason).toMatch(/Switch classify from o3 to o4-mini/);
    expect(body.recommendations).toContainEqual(expect.objectContaining({ stage: 'classify', from_model: 'o3', to_model: 'o4-mini' }));
  });

  it('declines where accuracy does not hold, and says by how much', () => {
    const extract = body.stages.find((stage: { stage: string; current_model: string }) => stage.stage === 'extract' && stage.current_model === 'gpt-5.5');
    expect(extract).toBeDefined();
    const candidate = extract.candidates.find((entry: { model: string }) => entry.model === 'gpt-5.4-nano');
    expect(candidate.decision).toBe('keep');
    expect(candidate.evidence.pairs).toBe(20);
    expect(candidate.evidence.accuracy_difference.estimate).toBeLessThan(-0.02);
    expect(candidate.projected_saving).toBeNull();
    expect(candidate.reason).toMatch(/Keep gpt-5\.5/);
    expect(body.recommendations.some((entry: { stage: string }) => entry.stage === 'extract')).toBe(false);
  });

  it('says plainly when there is not enough evidence yet', async () => {
    const { body: strict } = await stack.request('GET', '/analytics/recommendations?days=1&stage=classify&min_pairs=50');
    const o3 = strict.stages.find((stage: { current_model: string }) => stage.current_model === 'o3');
    const candidate = o3.candidates.find((entry: { model: string }) => entry.model === 'o4-mini');
    expect(candidate.decision).toBe('insufficient_evidence');
    expect(candidate.reason).toMatch(/Not enough evidence yet: 20 paired labelled items/);
    expect(strict.recommendations.some((entry: { to_model: string }) => entry.to_model === 'o4-mini')).toBe(false);
  });
});
