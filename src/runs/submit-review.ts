import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { ReviewApplied, ReviewDelivered, ReviewRequest } from '../contract/review.ts';
import { inTransaction, type Pool } from '../db/pool.ts';
import { getQueueItem } from '../db/queue-items.ts';
import type { ExtractionSchema, FieldValue } from '../domain/extraction-schema.ts';
import { fieldValueZod } from '../pipeline/field-value-schema.ts';
import { workflowIdFor } from '../temporal/names.ts';
import { submitReviewUpdate } from '../workflows/human-review.ts';
import { applyCorrections } from './apply-corrections.ts';
import { ConflictError, InvalidRequestError, NotFoundError, runNotFound } from './errors.ts';

/** Where a decision went: to the item's waiting run, or applied to a completed item as corrections. */
export type ReviewOutcome = { delivered: ReviewDelivered } | { applied: ReviewApplied };

/** Refuses corrections naming a field the item lacks, or a value of the wrong type for its field. */
export function checkCorrections(schema: ExtractionSchema, corrections: Record<string, FieldValue>): void {
  const problems: Array<{ field: string; message: string }> = [];
  for (const [name, value] of Object.entries(corrections)) {
    const field = schema.fields.find((candidate) => candidate.name === name);
    if (!field) {
      problems.push({ field: name, message: 'not a field of this item' });
      continue;
    }
    const parsed = fieldValueZod(field).safeParse(value);
    if (!parsed.success) problems.push({ field: name, message: `not a valid ${field.type}: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
  }
  if (problems.length > 0) {
    throw new InvalidRequestError('invalid_corrections', problems.map((problem) => `${problem.field}: ${problem.message}`).join('; '), problems);
  }
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
  checkCorrections(item.extraction_schema, decision.corrections);

  if (item.status === 'needs_review') {
    const workflowId = workflowIdFor(itemId);
    try {
      await deps.temporal.workflow.getHandle(workflowId).executeUpdate(submitReviewUpdate, { args: [decision] });
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

  if (Object.keys(decision.corrections).length === 0) {
    throw new InvalidRequestError('no_corrections', `queue item ${itemId} is ${item.status}: name at least one corrected field`);
  }
  return { applied: await inTransaction(deps.pool, (client) => applyCorrections(client, itemId, decision.corrections, decision.reviewer)) };
}
