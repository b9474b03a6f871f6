import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoice, mixedProviderConfig } from '../support/documents.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** `quarry worker` as its own process, so that it can be killed for real. */
async function spawnWorker(stack: TestStack): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(root, 'bin/quarry.js'), 'worker'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: stack.settings.DATABASE_URL,
      TEMPORAL_ADDRESS: stack.settings.TEMPORAL_ADDRESS,
      QUARRY_TASK_QUEUE: stack.taskQueue,
      QUARRY_PROVIDERS: 'simulated',
      QUARRY_SIM_LATENCY_MS: '400',
      QUARRY_LOG_LEVEL: 'warn',
      QUARRY_METRICS_PORT: '0',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Quarry worker polling')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before polling:\n${output}`)));
  });
  return child;
}

describe('a worker killed mid-run', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Runs carry the child's 400 ms calls; the replacement worker here calls fast.
    stack = await startTestStack({ QUARRY_CALL_TIMEOUT_MS: '3000' }, { worker: false });
  });
  afterAll(async () => stack?.stop());

  it('leaves every item to a new worker: each finalised once, no call counted twice', async () => {
    const child = await spawnWorker(stack);
    const ids: string[] = [];
    for (let n = 0; n < 4; n += 1) ids.push((await stack.request('POST', '/queue', invoice(20 + n))).body.id);
    for (const id of ids) expect((await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig)).status).toBe(202);

    // Kill it once calls are under way and before the items are done.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const calls = await stack.pool.query('SELECT count(*)::int AS n FROM model_usage WHERE queue_item_id = ANY($1)', [ids]);
      if (calls.rows[0].n >= 2) break;
      if (Date.now() > deadline) throw new Error('no calls recorded by the first worker');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const unfinished = await stack.pool.query(`SELECT count(*)::int AS n FROM ai_extraction_queue WHERE id = ANY($1) AND status <> 'completed'`, [ids]);
    expect(unfinished.rows[0].n).toBeGreaterThan(0);

    await stack.startWorker();
    for (const id of ids) expect((await waitForStatus(stack, id, ['completed', 'failed'], 90_000)).status).toBe('completed');

    const runs = await stack.pool.query('SELECT queue_item_id, count(*)::int AS n FROM configuration_runs WHERE queue_item_id = ANY($1) GROUP BY 1', [ids]);
    expect(runs.rows).toHaveLength(4);
    expect(runs.rows.every((row) => row.n === 1)).toBe(true);
    // The roll-up equals its facts: one run per item, however many workers took part.
    const configurationId = (await stack.request('GET', `/queue/${ids[0]}`)).body.configuration_id;
    const usage = await stack.pool.query(
      `SELECT u.times_used, (SELECT count(*)::int FROM configuration_runs r WHERE r.configuration_id = u.configuration_id) AS runs
         FROM configuration_usage u WHERE u.configuration_id = $1`,
      [configurationId],
    );
    expect(usage.rows[0].times_used).toBe(usage.rows[0].runs);
    const keys = await stack.pool.query('SELECT count(*)::int AS rows, count(DISTINCT call_key)::int AS keys FROM model_usage WHERE queue_item_id = ANY($1)', [ids]);
    expect(keys.rows[0].rows).toBe(keys.rows[0].keys);
  });
});
