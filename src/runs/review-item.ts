import { HttpError, notFound } from '../api/errors.ts';
import { refreshConfigurationUsage } from '../db/configuration-usage.ts';
import type { PoolClient } from '../db/pool.ts';
import { getQueueItem } from '../db/queue-items.ts';
import { scoreAccuracy } from '../domain/accuracy.ts';
import type { FieldValue } from '../domain/extraction-schema.ts';

export type Corrections = Record<string, FieldValue>;

export interface AppliedReview {
  id: string;
  review_id: number;
  reviewer: string;
  expected: Record<string, unknown>;
  accuracy: number | null;
  /** Every finished run of the item that was rescored, with its new accuracy. */
  rescored_runs: Array<{ run_id: string; configuration_id: string; accuracy: number | null }>;
}

/**
 * A reviewer's corrections of a finished item become its ground truth: the corrected fields replace
 * the expected values (for an unlabelled item, the values of its result the reviewer left alone are
 * accepted as true, as in the workflow's human review). Every completed run of the item is rescored
 * against the new truth from its orchestrator's final values (the model's own, never a correction),
 * `configuration_runs.accuracy` follows, and each affected configuration's roll-up is recomputed.
 * The review itself is kept in `item_reviews`. Runs on `client`, which must be in a transaction: the
 * item's row is locked so that two reviews of one item apply one after the other.
 */
export async function applyCorrections(client: PoolClient, itemId: string, corrections: Corrections, reviewer: string): Promise<AppliedReview> {
  const item = await getQueueItem(client, itemId, true);
  if (!item) throw notFound(`queue item ${itemId}`);
  if (item.status === 'needs_review') {
    throw new HttpError(
      409,
      'review_pending',
      `queue item ${itemId} is waiting for a reviewer in its run; its review is submitted to that run, not applied as a correction afterwards`,
      { workflow_id: item.workflow_id },
    );
  }
  if (item.status !== 'completed') {
    throw new HttpError(409, 'not_finished', `queue item ${itemId} is ${item.status}; only a completed item can be corrected`, { status: item.status });
  }
  const schema = item.extraction_schema;
  const unknown = Object.keys(corrections).filter((name) => !schema.fields.some((field) => field.name === name));
  if (unknown.length > 0) {
    throw new HttpError(400, 'unknown_fields', `not fields of this item's schema: ${unknown.join(', ')}`, { unknown, fields: schema.fields.map((f) => f.name) });
  }

  const result = item.result as { fields?: Record<string, { value: unknown; model_value?: unknown }> } | null;
  const resultValues = Object.fromEntries(
    Object.entries(result?.fields ?? {}).map(([name, field]) => [name, 'model_value' in field ? field.model_value : field.value]),
  );
  const expected = { ...(item.expected ?? resultValues), ...corrections };

  const runs = await client.query<{ run_id: string; configuration_id: string; fields: Record<string, { value: unknown }> | null }>(
    `SELECT r.run_id, r.configuration_id,
            (SELECT o.output->'fields' FROM stage_outputs o
              WHERE o.queue_item_id = r.queue_item_id AND o.run_id = r.run_id AND o.stage = 'review'
              ORDER BY o.step DESC LIMIT 1) AS fields
       FROM configuration_runs r
      WHERE r.queue_item_id = $1 AND r.status = 'completed'`,
    [itemId],
  );
  const rescored: AppliedReview['rescored_runs'] = [];
  for (const run of runs.rows) {
    const values = run.fields
      ? Object.fromEntries(Object.entries(run.fields).map(([name, field]) => [name, field?.value ?? null]))
      : run.run_id === item.run_id
        ? resultValues
        : null;
    if (values === null) continue;
    const score = scoreAccuracy(schema, expected, values);
    await client.query('UPDATE configuration_runs SET accuracy = $2 WHERE run_id = $1', [run.run_id, score.accuracy]);
    rescored.push({ run_id: run.run_id, configuration_id: run.configuration_id, accuracy: score.accuracy });
  }

  const current = scoreAccuracy(schema, expected, resultValues);
  const scoredResult = result ? { ...result, scoring: current.fields, corrected_by: reviewer } : result;
  await client.query(
    `UPDATE ai_extraction_queue SET expected = $2, accuracy = $3, result = $4, updated_at = now() WHERE id = $1`,
    [itemId, JSON.stringify(expected), current.accuracy, scoredResult === null ? null : JSON.stringify(scoredResult)],
  );
  const review = await client.query<{ id: string }>(
    `INSERT INTO item_reviews (queue_item_id, reviewer, corrections, expected_before, expected_after, accuracy)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [itemId, reviewer, JSON.stringify(corrections), item.expected === null ? null : JSON.stringify(item.expected), JSON.stringify(expected), current.accuracy],
  );
  for (const configurationId of [...new Set(rescored.map((run) => run.configuration_id))].sort()) {
    await refreshConfigurationUsage(client, configurationId);
  }
  return {
    id: itemId,
    review_id: Number(review.rows[0]!.id),
    reviewer,
    expected,
    accuracy: current.accuracy,
    rescored_runs: rescored,
  };
}
