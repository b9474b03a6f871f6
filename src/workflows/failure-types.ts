/**
 * The `type` of every ApplicationFailure Quarry raises, named once. Activities raise them and the
 * workflow reads them; operators see them in the Temporal UI and filter failed runs by them.
 */
export const FailureType = {
  /** The queue item was deleted while its run was going. */
  ItemMissing: 'ItemMissing',
  /** A retry asked to reuse a stage the earlier run never finished. */
  NothingToReuse: 'NothingToReuse',
  /** A stage found no output of the stage it builds on (a bug, or a run edited by hand). */
  MissingStageOutput: 'MissingStageOutput',
  /** The model's provider retired it after the run began: the chain moves on to the next model. */
  ModelRetired: 'Model.retired',
  /** A call would take the run over its cost cap: the chain moves on without calling. */
  BudgetExceeded: 'BudgetExceeded',
  /** Every model of a stage's chain failed. */
  ChainExhausted: 'ChainExhausted',
  /**
   * The document cannot be read, for good: the type goes on with the reason's code
   * (`Document.encrypted_document`, `Document.corrupt_document`, `Document.no_text`).
   */
  DocumentUnreadable: 'Document',
  /** The worker has no OCR data for a configured language. */
  OcrUnavailable: 'OcrUnavailable',
  /** The document fits the context window of no model of a chain. */
  DocumentTooLarge: 'DocumentTooLarge',
  /** A reviewer's corrections do not fit the result (a row past the end of its list). */
  InvalidReview: 'InvalidReview',
  /** Nobody reviewed the item in time and the configuration says to fail then. */
  ReviewDeadline: 'ReviewDeadline',
  /** The run failed; the cause says why. */
  ExtractionFailed: 'ExtractionFailed',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** A provider call's failure, by the kind of ProviderCallError (`Provider.rate_limited`, ...). */
export const providerFailureType = (kind: string) => `Provider.${kind}`;
