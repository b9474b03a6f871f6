import type { ReviewApplied } from '../contract/review.ts';
import { refreshConfigurationUsage } from '../db/configuration-usage.ts';
import { completedRunsOf, insertItemReview, setItemTruth, setRunAccuracy } from '../db/item-reviews.ts';
import type { PoolClient } from '../db/pool.ts';
import { getQueueItem } from '../db/queue-items.ts';
import { scoreAccuracy } from '../domain/accuracy.ts';
import type { FieldValue } from '../domain/extraction-schema.ts';
import { ConflictError, InvalidRequestError, NotFoundError } from './errors.ts';

export type Corrections = Record<string, FieldValue>;

/**
 * A reviewer's corrections of a finished item become its ground truth: the corrected fields replace
 * the expected values (for an unlabelled item, the values of its result the reviewer left alone are
 * accepted as true, as in the workflow's human review). Every completed run of the item is rescored
 * against the new truth from its orchestrator's final values (the model's own, never a correction),
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
  const schema = item.extraction_schema;
  const unknown = Object.keys(corrections).filter((name) => !schema.fields.some((field) => field.name === name));
  if (unknown.length > 0) {
    throw new InvalidRequestError('unknown_fields', `not fields of this item's schema: ${unknown.join(', ')}`, { unknown, fields: schema.fields.map((f) => f.name) });
  }

  const result = item.result as { fields?: Record<string, { value: unknown; model_value?: unknown }> } | null;
  const resultValues = Object.fromEntries(
    Object.entries(result?.fields ?? {}).map(([name, field]) => [name, 'model_value' in field ? field.model_value : field.value]),
  );
  const expected = { ...(item.expected ?? resultValues), ...corrections };

  const rescored: ReviewApplied['rescored_runs'] = [];
  for (const run of await completedRunsOf(client, itemId)) {
    const values = run.fields
      ? Object.fromEntries(Object.entries(run.fields).map(([name, field]) => [name, field?.value ?? null]))
      : run.run_id === item.run_id
        ? resultValues
        : null;
    if (values === null) continue;
    const score = scoreAccuracy(schema, expected, values);
    await setRunAccuracy(client, run.run_id, score.accuracy);
    rescored.push({ run_id: run.run_id, configuration_id: run.configuration_id, accuracy: score.accuracy });
  }

  const current = scoreAccuracy(schema, expected, resultValues);
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
