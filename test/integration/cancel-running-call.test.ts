import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoice } from '../support/documents.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

/**
 * Cancel reaches a provider call that is in flight: the model activity heartbeats while it waits, a
 * Cancel comes back with a heartbeat's answer, and the HTTP request is aborted at once — not at the
 * call's timeout, which here is ten minutes, far beyond this test's own limit. The aborted attempt is
 * logged once, and no further attempt is made or billed.
 */
describe('cancelling a running call', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ QUARRY_CALL_TIMEOUT_MS: '600000', QUARRY_ATTEMPTS_PER_MODEL: '3' });
  });
  afterAll(async () => stack?.stop());

  const config = {
    temperature: 0,
    orchestrator_model: 'gpt-4.1-nano',
    orchestrator_prompt: '',
    stage_models: { classify: ['gpt-4.1-nano'], extract: ['gpt-4o-mini', 'gpt-4.1-nano'], validate: ['gpt-4.1-nano'] },
  };

  async function simulatorLog() {
    const response = await fetch(`${stack.simulatorUrl}/__sim/requests`);
    return ((await response.json()) as { requests: Array<{ model: string; task: string; status: number; fault: string | null }> }).requests;
  }

  async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    for (let tries = 0; tries < 600; tries += 1) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`gave up waiting for ${what}`);
  }

  it('aborts the hanging HTTP request, logs that one attempt, and makes no other', async () => {
    await stack.setFaults({ 'gpt-4o-mini': { hang: true, rate: 1 } });
    const created = await stack.request('POST', '/queue', invoice(300));
    const id: string = created.body.id;
    expect((await stack.request('POST', `/queue/process/${id}`, config)).status).toBe(202);

    // The extract call is in flight when its activity has heartbeated: the call hangs, so only the
    // heartbeats sent while waiting for it can show up here.
    const handle = stack.temporal.workflow.getHandle(`extraction-${id}`);
    await until('the hanging extract call to heartbeat', async () => {
      const description = await handle.describe();
      const pending = description.raw.pendingActivities ?? [];
      return pending.find((activity) => activity.activityType?.name === 'extract' && activity.lastHeartbeatTime) ?? undefined;
    });

    expect((await stack.request('POST', `/queue/${id}/cancel`)).status).toBe(202);
    expect((await waitForStatus(stack, id, ['cancelled', 'completed', 'failed'])).status).toBe('cancelled');

    // The simulator saw the client go away: the request was aborted, not left to time out.
    const aborted = await until('the simulator to see the request aborted', async () =>
      (await simulatorLog()).find((request) => request.model === 'gpt-4o-mini' && request.task === 'extract'),
    );
    expect(aborted).toMatchObject({ status: 499, fault: 'hang' });

    // One ledger row for the aborted attempt, nothing billed, and no other extract attempt or model.
    const rows = await until('the cancelled attempt in the ledger', async () => {
      const result = await stack.pool.query<{ model: string; attempt: number; success: boolean; error: string; cost_usd: string }>(
        `SELECT model, attempt, success, error, cost_usd FROM model_usage WHERE queue_item_id = $1 AND stage = 'extract' ORDER BY id`,
        [id],
      );
      return result.rows.length > 0 ? result.rows : undefined;
    });
    await handle.result().catch(() => undefined);
    const after = await stack.pool.query(`SELECT count(*)::int AS calls FROM model_usage WHERE queue_item_id = $1 AND stage = 'extract'`, [id]);
    expect(after.rows[0].calls).toBe(1);
    expect(rows).toEqual([expect.objectContaining({ model: 'gpt-4o-mini', attempt: 1, success: false, error: expect.stringMatching(/^cancelled:/) })]);
    expect(Number(rows[0]!.cost_usd)).toBe(0);
    expect((await simulatorLog()).filter((request) => request.task === 'extract')).toHaveLength(1);
  });
});
