import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { ReviewApplied, ReviewDelivered, ReviewRequest } from '../contract/review.ts';
import { inTransaction, type Pool } from '../db/pool.ts';
import { getQueueItem } from '../db/queue-items.ts';
import { applyCorrections as applyToData, checkCorrections as checkAgainstSchema, correctionPointer, InvalidPointerError } from '../contract/schema/corrections.ts';
import { parseExtractionSchema } from '../contract/schema/parse-schema.ts';
import type { CanonicalSchema } from '../contract/schema/schema-node.ts';
import { workflowIdFor } from '../temporal/names.ts';
import { submitReviewUpdate } from '../workflows/human-review.ts';
import { applyCorrections } from './apply-corrections.ts';
import { ConflictError, InvalidRequestError, NotFoundError, runNotFound } from './errors.ts';

/** Where a decision went: to the item's waiting run, or applied to a completed item as corrections. */
export type ReviewOutcome = { delivered: ReviewDelivered } | { applied: ReviewApplied };

/**
 * Refuses corrections naming a path the item's schema lacks, or a value of another shape than its
 * place; returns them keyed by JSON Pointer (a flat schema's field names become `/name`).
 */
export function checkCorrections(schema: CanonicalSchema, corrections: Record<string, unknown>): Record<string, unknown> {
  const problems = checkAgainstSchema(schema.root, corrections);
  if (problems.length > 0) {
    throw new InvalidRequestError('invalid_corrections', problems.map((problem) => `${problem.pointer}: ${problem.message}`).join('; '), problems);
  }
  return Object.fromEntries(Object.entries(corrections).map(([key, value]) => [correctionPointer(key), value]));
}

/**
 * A reviewer's decision on an item. An item in `needs_review` has a run waiting for it: the decision
 * (corrections, or none to accept the values as they are) goes to that run as the `submitReview`
 * update, and the run finalises with it. A completed item is corrected after the fact: the
 * corrections become its ground truth and its runs are rescored.
 */
export async function submitReview(deps: { pool: Pool; temporal: Client }, itemId: string, decision: ReviewRequest): Promise<ReviewOutcome> {
  const item = await getQueueItem(deps.pool, itemId);
  if (!item) throw new NotFoundError(`queue item ${itemId}`);
  const corrections = checkCorrections(parseExtractionSchema(item.extraction_schema), decision.corrections);

  if (item.status === 'needs_review') {
    // A row the result does not have (past the end of its list) cannot be corrected; adding rows
    // is correcting the whole list.
    try {
      applyToData(item.result?.data ?? {}, corrections);
    } catch (error) {
      if (error instanceof InvalidPointerError) throw new InvalidRequestError('invalid_corrections', error.message);
      throw error;
    }
    const workflowId = workflowIdFor(itemId);
    try {
      await deps.temporal.workflow.getHandle(workflowId).executeUpdate(submitReviewUpdate, { args: [{ reviewer: decision.reviewer, corrections }] });
    } catch (error) {
      // The run's validator refused it: it is no longer waiting (another reviewer was first, or the
      // deadline passed). Anything else is not the client's mistake.
      if (error instanceof WorkflowUpdateFailedError) {
        throw new ConflictError('not_awaiting_review', `the run of queue item ${itemId} did not take the review: ${error.cause?.message ?? error.message}`, {
          workflow_id: workflowId,
        });
      }
      if (error instanceof WorkflowNotFoundError) throw runNotFound(itemId, workflowId, error);
      throw error;
    }
    return { delivered: { id: itemId, status: 'accepted', workflow_id: workflowId } };
  }

  if (Object.keys(corrections).length === 0) {
    throw new InvalidRequestError('no_corrections', `queue item ${itemId} is ${item.status}: name at least one corrected value`);
  }
  return { applied: await inTransaction(deps.pool, (client) => applyCorrections(client, itemId, corrections, decision.reviewer)) };
}
