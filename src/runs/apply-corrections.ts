import type { ReviewApplied } from '../contract/review.ts';
import { refreshConfigurationUsage } from '../db/configuration-usage.ts';
import { completedRunsOf, insertItemReview, setItemTruth, setRunAccuracy } from '../db/item-reviews.ts';
import type { PoolClient } from '../db/pool.ts';
import { getQueueItem } from '../db/queue-items.ts';
import { applyCorrections as applyToData, InvalidPointerError } from '../contract/schema/corrections.ts';
import { parseExtractionSchema } from '../contract/schema/parse-schema.ts';
import { scoreItem } from '../contract/schema/score-data.ts';
import { ConflictError, InvalidRequestError, NotFoundError } from './errors.ts';

/** Corrected values by JSON Pointer (checked against the schema by `checkCorrections`). */
export type Corrections = Record<string, unknown>;

/**
 * A reviewer's corrections of a finished item become its ground truth: the corrected values replace
 * the expected ones (for an unlabelled item, the values of its result the reviewer left alone are
 * accepted as true, as in the workflow's human review; where the expected values lack the list or
 * object a correction is in, it is taken from the result). Every completed run of the item is
 * rescored against the new truth from its orchestrator's final data (the model's own, never a correction),
 * `configuration_runs.accuracy` follows, and each affected configuration's roll-up is recomputed.
 * The review itself is kept in `item_reviews`. Runs on `client`, which must be in a transaction: the
 * item's row is locked so that two reviews of one item apply one after the other.
 */
export async function applyCorrections(client: PoolClient, itemId: string, corrections: Corrections, reviewer: string): Promise<ReviewApplied> {
  const item = await getQueueItem(client, itemId, true);
  if (!item) throw new NotFoundError(`queue item ${itemId}`);
  if (item.status === 'needs_review') {
    throw new ConflictError(
      'review_pending',
      `queue item ${itemId} is waiting for a reviewer in its run; its review is submitted to that run, not applied as a correction afterwards`,
      { workflow_id: item.workflow_id },
    );
  }
  if (item.status !== 'completed') {
    throw new ConflictError('not_finished', `queue item ${itemId} is ${item.status}; only a completed item can be corrected`, { status: item.status });
  }
  const schema = parseExtractionSchema(item.extraction_schema);
  const result = item.result;
  const resultData = result?.data ?? {};
  let expected: Record<string, unknown>;
  try {
    expected = applyToData(item.expected ?? resultData, corrections, resultData) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof InvalidPointerError) throw new InvalidRequestError('invalid_corrections', error.message);
    throw error;
  }

  // The current run is scored on the model's own data: its orchestrator's final review, as every
  // other run (the result's data holds a human review's corrections).
  const rescored: ReviewApplied['rescored_runs'] = [];
  let current = scoreItem(schema, expected, resultData);
  for (const run of await completedRunsOf(client, itemId)) {
    const data = run.data ?? (run.run_id === item.run_id ? resultData : null);
    if (data === null) continue;
    const score = scoreItem(schema, expected, data);
    if (run.run_id === item.run_id) current = score;
    await setRunAccuracy(client, run.run_id, score.accuracy);
    rescored.push({ run_id: run.run_id, configuration_id: run.configuration_id, accuracy: score.accuracy });
  }

  const scoredResult = result ? { ...result, scoring: current.fields, corrected_by: reviewer } : result;
  await setItemTruth(client, itemId, { expected, accuracy: current.accuracy, result: scoredResult });
  const reviewId = await insertItemReview(client, {
    itemId,
    reviewer,
    corrections,
    expectedBefore: item.expected,
    expectedAfter: expected,
    accuracy: current.accuracy,
  });
  for (const configurationId of [...new Set(rescored.map((run) => run.configuration_id))].sort()) {
    await refreshConfigurationUsage(client, configurationId);
  }
  return { id: itemId, review_id: reviewId, reviewer, expected, accuracy: current.accuracy, rescored_runs: rescored };
}
