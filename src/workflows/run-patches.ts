import { patched } from '@temporalio/workflow';

/**
 * The patch a run begun from now on records in place of every patch before it. Each `patched()` of
 * a new run costs its history a marker and a `TemporalChangeVersion` search-attribute upsert (one
 * more visibility write on the server); a run that has this one takes every older patch as present
 * without asking for it. It also reads a document that needs no reader (a text, or one read before)
 * in place, in a local activity, instead of on the documents task queue.
 */
export const PATCHES_FOLDED = 'patches-folded-read-in-place';

/** Which patches a run has: ask `has` where the run used to call `patched`, at the same point. */
export interface RunPatches {
  /** The run was begun with PATCHES_FOLDED (and so has every patch it folds). */
  readonly folded: boolean;
  /** Whether the run has patch `id`; for a run begun before the fold, `patched(id)` as it always was. */
  has(id: string): boolean;
}

/**
 * Call once, before the run's first command, and pass the answer to every part of the run. A run
 * begun before the fold replays as it ran: `patched(PATCHES_FOLDED)` finds no marker in its history
 * and records none, and each older patch is asked for where the run asked for it.
 */
export function runPatches(): RunPatches {
  const folded = patched(PATCHES_FOLDED);
  return { folded, has: (id) => folded || patched(id) };
}
