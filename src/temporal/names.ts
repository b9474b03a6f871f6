/**
 * Temporal names from the outside contract: operators' scripts and the Temporal UI rely on them.
 */
/** The default of QUARRY_TASK_QUEUE. */
export const TASK_QUEUE = 'quarry-extraction';

export const workflowIdFor = (queueItemId: string) => `extraction-${queueItemId}`;

/** Search attributes registered on the dev server and kept current by every run. */
export const SEARCH_ATTRIBUTES = {
  QueueItemId: 'Keyword',
  ExtractionStatus: 'Keyword',
  ConfigurationId: 'Keyword',
} as const;
