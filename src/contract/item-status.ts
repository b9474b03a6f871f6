/** A queue item's status, as `GET /queue/{id}` and `GET /queue?status=` name it. */
export const ITEM_STATUSES = ['pending', 'queued', 'running', 'needs_review', 'completed', 'failed', 'cancelled'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** Statuses during which a workflow run owns the item. */
export const ACTIVE_STATUSES: readonly ItemStatus[] = ['queued', 'running', 'needs_review'];

/** Statuses a run ends in. */
export const FINISHED_STATUSES: readonly ItemStatus[] = ['completed', 'failed', 'cancelled'];

/** Statuses from which an item may be processed (again). */
export const PROCESSABLE_STATUSES: readonly ItemStatus[] = ['pending', 'failed', 'cancelled'];
