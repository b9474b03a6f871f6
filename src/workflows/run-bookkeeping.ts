import { bookkeeping, localBookkeeping } from './activity-proxies.ts';
import type { RunPatches } from './run-patches.ts';

/** The patch that moved an extraction run's database bookkeeping into local activities. */
export const LOCAL_BOOKKEEPING_PATCH = 'local-bookkeeping';

export type RunBookkeeping = typeof bookkeeping;

/**
 * The bookkeeping activities of this run (parse, reuse, review preparation, finalise and the
 * endings): local activities for runs started by this code, regular ones when replaying a run
 * recorded before the patch, whose history holds activity tasks where new runs hold markers.
 * Call it once, at the point of the run's first command, and pass the answer to every part of the run.
 */
export function runBookkeeping(patches: RunPatches): RunBookkeeping {
  return patches.has(LOCAL_BOOKKEEPING_PATCH) ? localBookkeeping : bookkeeping;
}
