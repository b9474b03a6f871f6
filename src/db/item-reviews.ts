import { z } from 'zod';
import type { PoolClient } from './pool.ts';
import { parseFirst, parseRows } from './rows.ts';

/*
 * Reviewers' corrections of finished items: the review kept in item_reviews, the item's new ground
 * truth, and its completed runs rescored against it.
 */

const CompletedRunSchema = z.object({
  run_id: z.string(),
  configuration_id: z.string(),
  /** The orchestrator's final data in that run (its last review), null when none was stored. */
  data: z.unknown().nullable(),
});
export type CompletedRun = z.infer<typeof CompletedRunSchema>;

/** Every completed run of the item with the orchestrator's final data, for rescoring. */
export async function completedRunsOf(client: PoolClient, itemId: string): Promise<CompletedRun[]> {
  const result = await client.query(
    `SELECT r.run_id, r.configuration_id,
            (SELECT o.output->'data' FROM stage_outputs o
              WHERE o.queue_item_id = r.queue_item_id AND o.run_id = r.run_id AND o.stage = 'review'
              ORDER BY o.step DESC LIMIT 1) AS data
       FROM configuration_runs r
      WHERE r.queue_item_id = $1 AND r.status = 'completed'`,
    [itemId],
  );
  return parseRows(CompletedRunSchema, result.rows, 'completedRunsOf');
}

export async function setRunAccuracy(client: PoolClient, runId: string, accuracy: number | null): Promise<void> {
  await client.query('UPDATE configuration_runs SET accuracy = $2 WHERE run_id = $1', [runId, accuracy]);
}

/** The item's new ground truth, its current run's score against it, and its result as rescored. */
export async function setItemTruth(
  client: PoolClient,
  itemId: string,
  truth: { expected: Record<string, unknown>; accuracy: number | null; result: unknown },
): Promise<void> {
  await client.query(`UPDATE ai_extraction_queue SET expected = $2, accuracy = $3, result = $4, updated_at = now() WHERE id = $1`, [
    itemId,
    JSON.stringify(truth.expected),
    truth.accuracy,
    truth.result === null ? null : JSON.stringify(truth.result),
  ]);
}

const ReviewIdRowSchema = z.object({ id: z.union([z.number(), z.string()]).transform(Number) });

/** Keeps a review: who corrected what, and the ground truth before and after. Returns its id. */
export async function insertItemReview(
  client: PoolClient,
  review: { itemId: string; reviewer: string; corrections: unknown; expectedBefore: unknown; expectedAfter: unknown; accuracy: number | null },
): Promise<number> {
  const result = await client.query(
    `INSERT INTO item_reviews (queue_item_id, reviewer, corrections, expected_before, expected_after, accuracy)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      review.itemId,
      review.reviewer,
      JSON.stringify(review.corrections),
      review.expectedBefore === null ? null : JSON.stringify(review.expectedBefore),
      JSON.stringify(review.expectedAfter),
      review.accuracy,
    ],
  );
  const row = parseFirst(ReviewIdRowSchema, result.rows, 'insertItemReview');
  return row!.id;
}
