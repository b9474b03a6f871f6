/**
 * Temporal names from the outside contract: operators' scripts and the Temporal UI rely on them.
 */
/** The default of QUARRY_TASK_QUEUE. */
export const TASK_QUEUE = 'quarry-extraction';

/**
 * The task queue of document reading beside a run's task queue: every worker polls both, with its
 * own slots for reading (QUARRY_READ_CONCURRENCY), so that a batch of scans queues in Temporal
 * instead of taking every activity slot of a worker from the model calls. No imports: the workflow
 * bundle uses it.
 */
export const documentsTaskQueue = (taskQueue: string) => `${taskQueue}-documents`;

export const workflowIdFor = (queueItemId: string) => `extraction-${queueItemId}`;

/** Search attributes registered on the dev server and kept current by every run. */
export const SEARCH_ATTRIBUTES = {
  QueueItemId: 'Keyword',
  ExtractionStatus: 'Keyword',
  ConfigurationId: 'Keyword',
} as const;
