import { bookkeeping, localBookkeeping, type Activities } from './activity-proxies.ts';
import type { ExtractCall, ExtractResult } from './extraction-types.ts';
import type { RunPatches } from './run-patches.ts';

/**
 * Runs begun before long documents were extracted in chunks dropped every model the document did
 * not fit from the extract chain; runs begun after keep them and extract in chunks. The marker keeps
 * both replaying.
 */
export const EXTRACTS_IN_CHUNKS = 'extract-long-documents-in-chunks';

/**
 * Runs begun after this plan and merge their chunks in local activities (both only read and write
 * PostgreSQL, keyed by run and step, so a repeat changes nothing): every extraction plans, even a
 * short document's, and a regular activity there cost each run a task dispatch and its queue wait.
 */
export const CHUNK_BOOKKEEPING_LOCAL = 'chunk-bookkeeping-local';

/** Chunks of one extraction in flight at once: enough to overlap the calls, few enough to leave slots to other runs. */
const PARALLEL_CHUNKS = 4;

/** Whether this run keeps models the document does not fit in its extract chain (to extract in chunks). */
export function extractsInChunks(patches: RunPatches): boolean {
  return patches.has(EXTRACTS_IN_CHUNKS);
}

/**
 * One model's extraction of the document: whole when it fits the model (and the configuration's
 * chunk size), else chunk by chunk — each chunk its own activity, with its own attempts and ledger
 * rows, at most PARALLEL_CHUNKS at once — and then merged in PostgreSQL. Only the chunks' bounds
 * and counts cross the history, so a 500-page document's run stays small.
 */
export async function extractWithModel(patches: RunPatches, extractWhole: readonly string[], activities: Activities, call: ExtractCall): Promise<ExtractResult> {
  if (!extractsInChunks(patches)) return activities.extract(call);
  // The parse stage found the document well inside this model's budget: the plan would be one chunk.
  if (call.step === 0 && !call.onlyPaths && extractWhole.includes(call.model)) return activities.extract(call);
  const books = patches.has(CHUNK_BOOKKEEPING_LOCAL) ? localBookkeeping : bookkeeping;
  const plan = await books.planChunks({ queueItemId: call.queueItemId, model: call.model, step: call.step, ...(call.onlyPaths ? { onlyPaths: call.onlyPaths } : {}) });
  if (plan.chunks.length <= 1) return activities.extract(call);
  const count = plan.chunks.length;
  const answered = await inLanes(plan.chunks, PARALLEL_CHUNKS, (chunk) => activities.extract({ ...call, chunk: { ...chunk, count } }));
  const merged = await books.mergeChunks({ queueItemId: call.queueItemId, model: call.model, step: call.step, chunks: count, ...(call.onlyPaths ? { onlyPaths: call.onlyPaths } : {}) });
  return { attempt: Math.max(...answered.map((result) => result.attempt)), values: merged.values };
}

/**
 * Runs `work` over every item, at most `lanes` at once, in order of starting. After a failure no
 * further item starts; the ones in flight are awaited, and the first failure is thrown.
 */
async function inLanes<T, R>(items: readonly T[], lanes: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await work(items[index]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
  if (failure) throw failure.error;
  return results;
}
