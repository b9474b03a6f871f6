import { proxyActivities } from '@temporalio/workflow';

const { wait } = proxyActivities<{ wait(ms: number): Promise<void> }>({ startToCloseTimeout: '1 minute' });

/** `activities` activities one after another, each only waiting `ms`: Temporal's own cost per step. */
export async function steps(activities: number, ms: number): Promise<void> {
  for (let step = 0; step < activities; step += 1) await wait(ms);
}
