import { Context } from '@temporalio/activity';
import { refreshRollups } from '../db/refresh-rollups.ts';
import type { UsageRollupOutcome } from '../workflows/usage-rollup-types.ts';
import type { ActivityDependencies } from './dependencies.ts';

/** The roll-ups analytics read (the usage ledger's, the configuration runs'), run by the `rollUpUsage` workflow that the Temporal Schedule starts. */
export function createUsageRollupActivities(deps: ActivityDependencies) {
  return {
    /**
     * Rolls up what the ledger gained since the last run, a committed chunk at a time for up to
     * `maxMs`, heartbeating after each chunk: a worker that dies mid-run loses at most the chunk in
     * progress, and the next run carries on from the committed ones.
     */
    async refreshRollups(input: { maxMs: number }): Promise<UsageRollupOutcome> {
      const context = Context.current();
      const outcome = await refreshRollups(deps.pool, { maxMs: input.maxMs, onStep: (step) => context.heartbeat(step) });
      return { ran: outcome.ran, ids: outcome.ids, hours: outcome.hours, caughtUp: outcome.caughtUp };
    },
  };
}
