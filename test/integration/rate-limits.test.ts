import { afterEach, describe, expect, it } from 'vitest';
import { RATE_LIMIT_TUNING } from '../../src/db/rate-limits.ts';
import { invoice } from '../support/documents.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

/**
 * Provider rate limits end to end: the simulator refuses requests above its limit with 429, as a
 * provider does, and Quarry, told the same limit, paces its calls so that a burst of items meets no
 * refusal — with one worker or two sharing the limit through PostgreSQL. No other file uses
 * gpt-5-nano, so no other test's calls meet these buckets or this limit.
 */
const MODEL = 'gpt-5-nano';
const config = {
  temperature: 0,
  orchestrator_model: MODEL,
  orchestrator_prompt: '',
  stage_models: { classify: [MODEL], extract: [MODEL], validate: [MODEL] },
};

// A provider call's own timeout is the model's (120 s): the activity's start-to-close timeout then
// leaves the calls minutes to wait for their start.
const env = (rpm: number, quarryRpm: number | null) => ({
  QUARRY_CALL_TIMEOUT_MS: '600000',
  QUARRY_SIM_RATE_LIMITS: JSON.stringify({ [MODEL]: { rpm } }),
  ...(quarryRpm === null ? {} : { QUARRY_RATE_LIMITS: JSON.stringify([{ provider: 'openai', model: MODEL, rpm: quarryRpm }]) }),
});

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.pool.query(`DELETE FROM provider_rate_limits WHERE bucket = $1`, [`openai/${MODEL}`]);
  await stack?.stop();
  stack = undefined;
});

async function simulatorLog(running: TestStack) {
  const response = await fetch(`${running.simulatorUrl}/__sim/requests`);
  return ((await response.json()) as { requests: Array<{ model: string; status: number }> }).requests.filter((request) => request.model === MODEL);
}

async function processItems(running: TestStack, count: number, offset: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < count; n += 1) ids.push((await running.request('POST', '/queue', invoice(offset + n))).body.id);
  await Promise.all(ids.map(async (id) => expect((await running.request('POST', `/queue/process/${id}`, config)).status).toBe(202)));
  return ids;
}

async function refusals(running: TestStack, ids: string[]) {
  const { rows } = await running.pool.query(`SELECT count(*)::int AS refused FROM model_usage WHERE queue_item_id = ANY($1) AND error LIKE 'rate_limited:%'`, [ids]);
  return rows[0].refused as number;
}

describe('provider rate limits', () => {
  it('without Quarry knowing the limit, a burst of items meets 429s (the control)', async () => {
    stack = await startTestStack(env(120, null));
    const ids = await processItems(stack, 4, 0);
    await Promise.all(ids.map((id) => waitForStatus(stack!, id, ['completed', 'failed'])));
    expect((await simulatorLog(stack)).filter((request) => request.status === 429).length).toBeGreaterThan(0);
  });

  it('told the limit, concurrent items complete with no 429, and the dashboard shows the limit and the rate', async () => {
    stack = await startTestStack(env(120, 120));
    const ids = await processItems(stack, 6, 10);
    for (const id of ids) expect((await waitForStatus(stack, id, ['completed', 'failed'], 120_000)).status).toBe('completed');
    const log = await simulatorLog(stack);
    expect(log.length).toBeGreaterThanOrEqual(6 * 4);
    expect(log.filter((request) => request.status === 429)).toEqual([]);
    expect(await refusals(stack, ids)).toBe(0);

    const overview = await stack.request('GET', '/rate-limits');
    expect(overview.status).toBe(200);
    const row = overview.body.limits.find((limit: { bucket: string }) => limit.bucket === `openai/${MODEL}`);
    // The last minute's figures come from the ledger, which the control's calls may still be part of.
    expect(row).toMatchObject({ provider: 'openai', model: MODEL, rpm: 120, effective_rpm: 120, waiting: 0, paused_until: null });
    expect(row.calls_last_minute).toBeGreaterThan(0);
  });

  it('two workers share one limit: both call the model, and together they stay under it', async () => {
    stack = await startTestStack(env(120, 120), { worker: false });
    await stack.startWorker({ identity: 'rate-limit-worker-a' });
    await stack.startWorker({ identity: 'rate-limit-worker-b' });
    const ids = await processItems(stack, 6, 20);
    for (const id of ids) expect((await waitForStatus(stack, id, ['completed', 'failed'], 120_000)).status).toBe('completed');
    expect((await simulatorLog(stack)).filter((request) => request.status === 429)).toEqual([]);
    expect(await refusals(stack, ids)).toBe(0);

    // Each worker had its own limiter; only PostgreSQL joined them. Both ran model calls.
    const identities = new Set<string>();
    for (const id of ids) {
      const history = await stack.temporal.workflow.getHandle(`extraction-${id}`).fetchHistory();
      for (const event of history.events ?? []) {
        const identity = event.activityTaskStartedEventAttributes?.identity;
        if (identity) identities.add(identity);
      }
    }
    expect([...identities].sort()).toEqual(['rate-limit-worker-a', 'rate-limit-worker-b']);
  });

  it('a limit set too high is learned down from the 429 that names the provider’s own', async () => {
    // Quarry believes 600 a minute; the provider allows 60 and says so in its 429s.
    stack = await startTestStack(env(60, 600));
    const ids = await processItems(stack, 3, 30);
    for (const id of ids) expect((await waitForStatus(stack, id, ['completed', 'failed'], 120_000)).status).toBe('completed');
    const { rows } = await stack.pool.query(`SELECT learned_rpm FROM provider_rate_limits WHERE bucket = $1`, [`openai/${MODEL}`]);
    expect(rows[0].learned_rpm).toBeCloseTo(60 * RATE_LIMIT_TUNING.decrease, 6);
    // Refused are only the calls the buckets let through before the first 429 was learned: the
    // burst 600 a minute allows (five) and the sixth the simulator's bucket could not take. Their
    // retries wait for the reset, then run at the learned rate, below the provider's.
    const refused = await refusals(stack, ids);
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThanOrEqual(6);
  });
});
