import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ACTIVE_STATUSES } from '../contract/item-status.ts';
import type { Pool } from '../db/pool.ts';
import { getQueueItem, setItemStatus } from '../db/queue-items.ts';
import { workflowIdFor } from '../temporal/names.ts';
import { ConflictError, NotFoundError, runNotFound } from './errors.ts';

/**
 * Cancels an item: a pending one at once, an active one by cancelling its run (the workflow marks the
 * item cancelled as it stops). An item whose run Temporal does not know is not found.
 */
export async function cancelItem(deps: { pool: Pool; temporal: Client }, id: string): Promise<{ id: string; status: 'cancelled' | 'cancelling' }> {
  const item = await getQueueItem(deps.pool, id);
  if (!item) throw new NotFoundError(`queue item ${id}`);
  if (item.status === 'pending') {
    await setItemStatus(deps.pool, id, 'cancelled');
    return { id, status: 'cancelled' };
  }
  if (!ACTIVE_STATUSES.includes(item.status)) {
    throw new ConflictError('not_active', `queue item ${id} is ${item.status}; there is no run to cancel`);
  }
  const workflowId = workflowIdFor(id);
  try {
    await deps.temporal.workflow.getHandle(workflowId).cancel();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw runNotFound(id, workflowId, error);
    throw error;
  }
  return { id, status: 'cancelling' };
}
