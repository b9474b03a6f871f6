import { ApplicationFailure, condition, defineUpdate, setHandler } from '@temporalio/workflow';
import { correctionPointer, isSchemaPath } from '../contract/schema/json-pointer.ts';
import type { ReviewDecision, ReviewSettings } from './extraction-types.ts';
import { FailureType } from './failure-types.ts';
import type { RunProgress } from './progress.ts';
import type { RunBookkeeping } from './run-bookkeeping.ts';

/**
 * A reviewer's decision for a run waiting in `needs_review`. The validator refuses it unless the run
 * is waiting and every correction names a path of the item's schema (the API has checked the values'
 * shapes before sending it), so a stray or late update never reaches the history.
 */
export const submitReviewUpdate = defineUpdate<{ accepted: true }, [ReviewDecision]>('submitReview');

/**
 * The human review step: when the configuration asks for review and the composed result is doubtful
 * (a field the validator rejected, or below the confidence threshold), the run waits in
 * `needs_review` for the `submitReview` update up to the deadline. Construct it at the start of the
 * workflow, so the update handler is there for the whole run.
 */
export class HumanReview {
  private awaiting: { fields: string[] } | undefined;
  private decision: ReviewDecision | undefined;

  constructor(private readonly bookkeeping: RunBookkeeping) {
    setHandler(
      submitReviewUpdate,
      (reviewDecision) => {
        this.decision = reviewDecision;
        return { accepted: true as const };
      },
      {
        validator: (reviewDecision) => {
          const awaiting = this.awaiting;
          if (!awaiting) throw new Error('this run is not waiting for a review');
          if (this.decision) throw new Error('a review was already submitted');
          if (typeof reviewDecision?.reviewer !== 'string' || reviewDecision.reviewer.length === 0) throw new Error('a review names its reviewer');
          const unknown = Object.keys(reviewDecision.corrections ?? {}).filter((key) => !isSchemaPath(awaiting.fields, correctionPointer(key)));
          if (unknown.length > 0) throw new Error(`not paths of this item's schema: ${unknown.join(', ')}`);
        },
      },
    );
  }

  /**
   * Asks for a person when the result needs one, and waits. Returns the reviewer's decision, or
   * undefined when nobody was asked or nobody decided in time and the policy accepts the models'
   * values; fails the run with `ReviewDeadline` when the policy says so.
   */
  async decide(progress: RunProgress, queueItemId: string, settings: ReviewSettings): Promise<ReviewDecision | undefined> {
    const prepared = await this.bookkeeping.prepareResult({ queueItemId, confidenceThreshold: settings.confidenceThreshold });
    if (!prepared.needsReview) return undefined;
    const entry = progress.startStage('human_review');
    entry.status = 'waiting';
    this.awaiting = { fields: prepared.fields };
    await this.bookkeeping.markNeedsReview({ queueItemId, reasons: prepared.reasons });
    progress.setStatus('needs_review');
    progress.say(`Waiting for a reviewer: ${prepared.reasons.join('; ')}`);
    const decided = await condition(() => this.decision !== undefined, settings.deadlineMs);
    this.awaiting = undefined;
    progress.finishStage(entry, decided ? 'completed' : 'skipped');
    if (!decided && settings.onDeadline === 'fail') {
      throw ApplicationFailure.create({ type: FailureType.ReviewDeadline, nonRetryable: true, message: 'no reviewer decided before the review deadline' });
    }
    progress.setStatus('running');
    return decided ? this.decision : undefined;
  }
}
