import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateSyntheticLedger } from '../../src/analytics/synthetic-ledger.ts';
import { migrate } from '../../src/db/migrate.ts';
import { rollupBacklog } from '../../src/db/refresh-rollups.ts';
import { ensureUsageRollupSchedule, usageRollupScheduleIdFor } from '../../src/temporal/usage-rollup-schedule.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The Temporal Schedule that keeps the roll-ups current, end to end. In a database of its own: its
 * runs roll up everything pending, which must not race other files' tests of pending rows.
 */
describe('the roll-up schedule', () => {
  const name = `quarry_schedule_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: inject('databaseUrl') });
  let databaseUrl: string;
  let stack: TestStack;
  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(inject('databaseUrl'));
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    await migrate(databaseUrl);
    stack = await startTestStack({ DATABASE_URL: databaseUrl }, { workerOptions: { usageRollups: { everySeconds: 1 } } });
  });
  afterAll(async () => {
    await stack?.temporal.schedule.getHandle(usageRollupScheduleIdFor(stack.taskQueue)).delete().catch(() => undefined);
    await stack?.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('is created by the worker (idempotently) and rolls up new ledger rows and runs without any request', async () => {
    const schedule = stack.temporal.schedule.getHandle(usageRollupScheduleIdFor(stack.taskQueue));
    expect((await schedule.describe()).action).toMatchObject({ type: 'startWorkflow', workflowType: 'rollUpUsage', taskQueue: stack.taskQueue });
    // A second worker (or a restart) brings the same schedule to its interval instead of failing.
    expect(await ensureUsageRollupSchedule(stack.temporal, { taskQueue: stack.taskQueue, everySeconds: 2 })).toBe('updated');
    expect((await schedule.describe()).spec.intervals).toEqual([expect.objectContaining({ every: 2000 })]);

    const from = new Date(Date.now() - 3 * 3_600_000);
    await generateSyntheticLedger(stack.pool, {
      rows: 2_000,
      from,
      to: new Date(),
      tag: `scheduled-${randomUUID()}`,
      models: [{ id: 'model-a', provider: 'openai' }],
      configurations: [randomUUID(), randomUUID()],
      runs: { documents: 10, labelledEvery: 2 },
    });
    expect((await rollupBacklog(stack.pool)).ledgerIds).toBeGreaterThan(0);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const backlog = await rollupBacklog(stack.pool);
      if (backlog.ledgerIds === 0 && backlog.runIds === 0) break;
      if (Date.now() > deadline) throw new Error(`the scheduled roll-up did not catch up within a minute: ${JSON.stringify(backlog)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const rolled = await stack.pool.query(
      `SELECT (SELECT sum(calls)::int FROM usage_rollup_hourly WHERE configuration_key = '*') AS calls,
              (SELECT sum(runs)::int FROM configuration_rollup_hourly) AS runs`,
    );
    expect(rolled.rows[0]).toEqual({ calls: 2_000, runs: 500 });
    expect((await schedule.describe()).info.recentActions.length).toBeGreaterThan(0);
  });
});
