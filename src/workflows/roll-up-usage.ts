import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from './activity-proxies.ts';
import type { UsageRollupInput, UsageRollupOutcome } from './usage-rollup-types.ts';

const rollups = proxyActivities<Activities>({
  // Above the run's own working time (input.maxMs), so a healthy run is never cut short.
  startToCloseTimeout: '10 minutes',
  // A chunk commits within seconds; a worker gone silent for a minute is dead and its chunk rolled back.
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 3 },
});

/**
 * One tick of the roll-up schedule (see src/temporal/usage-rollup-schedule.ts): rolls up the ledger
 * rows and configuration runs written since the last tick. A tick that fails is simply followed by
 * the next one.
 */
export async function rollUpUsage(input: UsageRollupInput): Promise<UsageRollupOutcome> {
  return rollups.refreshRollups(input);
}
