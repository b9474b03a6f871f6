import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoice } from '../support/documents.ts';
import { experimentProgressQuery } from '../../src/workflows/run-experiment.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

// Single-model chains, so the extract model alone decides each field: the simulator's profiles say
// claude-opus-4-7 gets a field right 99 % of the time and gpt-4.1-nano 77 %.
const shared = { temperature: 0, orchestrator_model: 'gpt-4.1-mini', orchestrator_prompt: '' };
const accurate = { ...shared, name: 'accurate', stage_models: { classify: ['gemini-3.1-flash-lite'], extract: ['claude-opus-4-7'], validate: ['gpt-4.1-mini'] } };
const cheap = { ...shared, name: 'cheap', stage_models: { classify: ['gemini-3.1-flash-lite'], extract: ['gpt-4.1-nano'], validate: ['gpt-4.1-mini'] } };

async function labelledItems(stack: TestStack, count: number, offset: number): Promise<string[]> {
  const tag = randomUUID();
  const items = Array.from({ length: count }, (_, i) => {
    const item = invoice(offset + i);
    return { ...item, document: { text: `${item.document.text}\nReference: ${tag}` } };
  });
  const { status, body } = await stack.request('POST', '/queue/batch', { items });
  expect(status).toBe(201);
  return body.ids;
}

async function waitForExperiment(stack: TestStack, id: string, timeoutMs = 110_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await stack.request('GET', `/experiments/${id}`);
    expect(status).toBe(200);
    if (body.status !== 'running') return body;
    if (Date.now() > deadline) throw new Error(`experiment ${id} still running after ${timeoutMs} ms: ${JSON.stringify(body.progress)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The runs of a workflow that continued as new, oldest first, with their history lengths. */
async function runChain(stack: TestStack, workflowId: string): Promise<Array<{ runId: string; events: number }>> {
  const runs: Array<{ runId: string; events: number }> = [];
  let runId: string | undefined = (await stack.temporal.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    const history = await stack.temporal.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift({ runId, events: history.events?.length ?? 0 });
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return runs;
}

// The parent continues as new after 80 history events (a few children), so every test below runs
// across several runs of it: results, budget and cancellation must hold over continue-as-new.
const HISTORY_EVENTS = 80;

describe('A/B experiments', () => {
  let stack: TestStack;
  let costPerRun = 0;
  beforeAll(async () => {
    stack = await startTestStack({ QUARRY_EXPERIMENT_HISTORY_EVENTS: String(HISTORY_EVENTS) });
  });
  afterAll(async () => stack?.stop());

  it('runs every item under every configuration and finds the difference the profiles imply', async () => {
    const items = await labelledItems(stack, 24, 300);
    const started = await stack.request('POST', '/experiments', { name: 'opus vs nano', configurations: [accurate, cheap], item_ids: items, concurrency: 6 });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'running', runs: 48, workflow_id: `experiment-${started.body.id}` });

    const experiment = await waitForExperiment(stack, started.body.id);
    expect(experiment.status).toBe('completed');
    expect(experiment.progress).toMatchObject({ runs: 48, finished: 48, running_or_pending: 0 });
    const [a, b] = experiment.arms;
    costPerRun = (a.cost_usd_total + b.cost_usd_total) / 48;
    expect(a).toMatchObject({ name: 'accurate', completed: 24, labelled_completed: 24, success_rate: 1 });
    expect(b).toMatchObject({ name: 'cheap', completed: 24, labelled_completed: 24 });
    expect(a.accuracy).toBeGreaterThan(0.93);
    expect(b.accuracy).toBeGreaterThan(0.6);
    expect(b.accuracy).toBeLessThan(0.9);
    expect(a.accuracy_ci.low).toBeLessThanOrEqual(a.accuracy);
    expect(a.exact_match_rate).toBeGreaterThan(b.exact_match_rate);
    expect(b.cost_usd_per_item).toBeLessThan(a.cost_usd_per_item);
    expect(a.latency_ms_p50).toBeGreaterThan(0);
    expect(a.latency_ms_p95).toBeGreaterThanOrEqual(a.latency_ms_p50);

    const [comparison] = experiment.comparisons;
    expect(comparison).toMatchObject({ control_arm: 0, arm: 1, pairs: 24, outcome: 'more_accurate', winner_arm: 0 });
    expect(comparison.mcnemar.p_value_adjusted).toBeLessThan(0.05);
    expect(comparison.accuracy_difference.high).toBeLessThan(0);
    expect(comparison.cost_difference_per_item.high).toBeLessThan(0);
    expect(experiment.verdict).toMatchObject({ final: true, winner_arm: 0, outcome: 'more_accurate' });
    expect(experiment.verdict.summary).toMatch(/accurate is significantly more accurate than cheap/);

    // Each run is an extraction of its own, a child of the experiment, under the contract's names.
    const run = experiment.runs.find((entry: { arm: number }) => entry.arm === 1);
    const child = await stack.temporal.workflow.getHandle(`extraction-${run.item_id}`).describe();
    expect(child.status.name).toBe('COMPLETED');
    expect(child.parentExecution?.workflowId).toBe(`experiment-${started.body.id}`);
    const copy = await stack.request('GET', `/queue/${run.item_id}`);
    expect(copy.body.metadata).toMatchObject({ experiment_id: started.body.id, arm: 1 });
    expect(copy.body.model_config.stage_models.extract).toEqual(['gpt-4.1-nano']);

    const list = await stack.request('GET', '/experiments');
    expect(list.body.some((entry: { id: string }) => entry.id === started.body.id)).toBe(true);

    // The parent continued as new several times, each run's history stayed short, and children
    // started by an earlier run outlived it and were counted by the run that was current when they ended.
    const runs = await runChain(stack, started.body.workflow_id);
    expect(runs.length).toBeGreaterThan(2);
    expect(Math.max(...runs.map((run) => run.events))).toBeLessThan(HISTORY_EVENTS + 60);
    const parents = await Promise.all(
      experiment.runs.map(async (entry: { item_id: string }) => (await stack.temporal.workflow.getHandle(`extraction-${entry.item_id}`).describe()).parentExecution?.runId),
    );
    // Every run of the parent started children (but the last, which may only have waited for them).
    expect(parents.every((runId) => runs.some((run) => run.runId === runId))).toBe(true);
    expect(new Set(parents).size).toBeGreaterThanOrEqual(runs.length - 1);
    const result = await stack.temporal.workflow.getHandle(started.body.workflow_id).result();
    expect(result).toMatchObject({ totalRuns: 48, started: 48, completed: 48, failed: 0, running: 0, continuedAsNew: runs.length - 1 });
  });

  it('stops at the budget cap after continuing as new, its spend carried over', async () => {
    const items = await labelledItems(stack, 10, 450);
    const started = await stack.request('POST', '/experiments', {
      name: 'budget across runs',
      configurations: [accurate, cheap],
      item_ids: items,
      concurrency: 2,
      max_cost_usd: 9 * costPerRun,
    });
    const experiment = await waitForExperiment(stack, started.body.id);
    expect(experiment.status).toBe('budget_exhausted');
    const done = experiment.runs.filter((run: { status: string }) => run.status === 'completed').length;
    expect(done).toBeGreaterThanOrEqual(4);
    expect(done).toBeLessThan(20);
    expect(experiment.runs.filter((run: { status: string }) => run.status === 'cancelled').length).toBe(20 - done);
    expect((await runChain(stack, started.body.workflow_id)).length).toBeGreaterThan(1);
  });

  it('cancels the runs an earlier run of the parent started when cancelled after continuing as new', async () => {
    // Half the extraction calls hang until their timeout: runs take seconds, so some are still in
    // flight when the parent continues as new, and when it is cancelled.
    await stack.setFaults({ 'claude-opus-4-7': { hang: true, rate: 0.5 }, 'gpt-4.1-nano': { hang: true, rate: 0.5 } });
    try {
      const items = await labelledItems(stack, 20, 550);
      const started = await stack.request('POST', '/experiments', { name: 'cancelled later', configurations: [accurate, cheap], item_ids: items, concurrency: 4 });
      const handle = stack.temporal.workflow.getHandle(started.body.workflow_id);
      const deadline = Date.now() + 90_000;
      let runs = await runChain(stack, started.body.workflow_id);
      while (runs.length < 2) {
        if (Date.now() > deadline) throw new Error('the experiment did not continue as new within 90 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
        runs = await runChain(stack, started.body.workflow_id);
      }
      expect((await handle.query(experimentProgressQuery)).continuedAsNew).toBeGreaterThanOrEqual(1);
      expect((await stack.request('POST', `/experiments/${started.body.id}/cancel`)).status).toBe(202);
      const experiment = await waitForExperiment(stack, started.body.id);
      expect(experiment.status).toBe('cancelled');
      expect(experiment.runs.every((run: { status: string }) => ['completed', 'cancelled', 'failed'].includes(run.status))).toBe(true);

      // The runs the first run of the parent handed over (its children, no longer the current run's):
      // cancelled with the experiment unless they had ended before, and none left running.
      const secondStart = (await stack.temporal.workflow.getHandle(started.body.workflow_id, runs[1]!.runId).fetchHistory()).events![0]!;
      const payload = secondStart.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
      const handedOver: string[] = JSON.parse(Buffer.from(payload.data!).toString()).carried.inFlight.map((run: { itemId: string }) => run.itemId);
      expect(handedOver.length).toBeGreaterThan(0);
      const statusOf = (id: string) => experiment.runs.find((run: { item_id: string }) => run.item_id === id)?.status;
      expect(handedOver.some((id) => statusOf(id) === 'cancelled')).toBe(true);
      const temporalStatuses = await Promise.all(
        experiment.runs.map(async (run: { item_id: string }) => {
          try {
            return (await stack.temporal.workflow.getHandle(`extraction-${run.item_id}`).describe()).status.name;
          } catch {
            return 'NEVER_STARTED';
          }
        }),
      );
      expect(temporalStatuses.filter((status) => status === 'RUNNING')).toEqual([]);
    } finally {
      await stack.setFaults({});
    }
  });

  it('stops starting runs at the budget cap and leaves the rest cancelled', async () => {
    const items = await labelledItems(stack, 8, 400);
    const started = await stack.request('POST', '/experiments', {
      name: 'tiny budget',
      configurations: [accurate, cheap],
      item_ids: items,
      concurrency: 1,
      max_cost_usd: 0.000001,
    });
    expect(started.status).toBe(202);
    const experiment = await waitForExperiment(stack, started.body.id);
    expect(experiment.status).toBe('budget_exhausted');
    const done = experiment.runs.filter((run: { status: string }) => run.status === 'completed').length;
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(16);
    expect(experiment.runs.filter((run: { status: string }) => run.status === 'cancelled').length).toBe(16 - done);
    expect(experiment.verdict.outcome).toBe('insufficient_evidence');
  });

  it('is cancellable: its running extractions are cancelled with it', async () => {
    const items = await labelledItems(stack, 10, 500);
    const started = await stack.request('POST', '/experiments', { name: 'cancelled', configurations: [accurate, cheap], item_ids: items, concurrency: 2 });
    const cancelled = await stack.request('POST', `/experiments/${started.body.id}/cancel`);
    expect(cancelled.status).toBe(202);
    const experiment = await waitForExperiment(stack, started.body.id);
    expect(experiment.status).toBe('cancelled');
    expect(experiment.runs.every((run: { status: string }) => ['completed', 'cancelled', 'failed'].includes(run.status))).toBe(true);
    expect(experiment.runs.some((run: { status: string }) => run.status === 'cancelled')).toBe(true);
    const again = await stack.request('POST', `/experiments/${started.body.id}/cancel`);
    expect(again.status).toBe(409);
  });

  it('refuses bad requests with the one error shape', async () => {
    const [item] = await labelledItems(stack, 1, 600);
    const one = await stack.request('POST', '/experiments', { name: 'x', configurations: [accurate], item_ids: [item] });
    expect(one.status).toBe(400);
    const missing = await stack.request('POST', '/experiments', { name: 'x', configurations: [accurate, cheap], item_ids: [randomUUID()] });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const unknownModel = await stack.request('POST', '/experiments', {
      name: 'x',
      configurations: [accurate, { ...cheap, stage_models: { ...cheap.stage_models, extract: ['gpt-9'] } }],
      item_ids: [item],
    });
    expect(unknownModel.status).toBe(400);
    expect((await stack.request('GET', `/experiments/${randomUUID()}`)).status).toBe(404);
  });
});
