import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptionsAction, type ScheduleSpec } from '@temporalio/client';
import { rollUpUsage } from '../workflows/roll-up-usage.ts';

/** How long one scheduled roll-up may work through a backlog before leaving the rest to the next. */
export const ROLLUP_MAX_MS = 120_000;

/** One schedule per task queue: deployments sharing a namespace each roll up their own database. */
export const usageRollupScheduleIdFor = (taskQueue: string) => `usage-rollups-${taskQueue}`;

/**
 * Creates the Temporal Schedule that keeps the usage roll-ups current — `rollUpUsage` every
 * `everySeconds` on `taskQueue` — or brings an existing one to this interval and action. Idempotent,
 * and safe when several workers start at once: each creates or updates to the same definition.
 * Overlap SKIP: a roll-up still working through a backlog is not joined by a second one.
 */
export async function ensureUsageRollupSchedule(client: Client, options: { taskQueue: string; everySeconds: number }): Promise<'created' | 'updated'> {
  const scheduleId = usageRollupScheduleIdFor(options.taskQueue);
  const spec: ScheduleSpec = { intervals: [{ every: `${options.everySeconds}s` }] };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: rollUpUsage,
    workflowId: `usage-rollup-${options.taskQueue}`,
    taskQueue: options.taskQueue,
    args: [{ maxMs: ROLLUP_MAX_MS }],
    // A run stuck past this would hold every later tick back (overlap SKIP).
    workflowExecutionTimeout: '15 minutes',
    staticSummary: 'Rolls up the usage ledger for analytics',
  };
  // A tick missed while the server was down is not worth catching up: the next one does its work.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' } as const;
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action, policies }));
  return 'updated';
}
