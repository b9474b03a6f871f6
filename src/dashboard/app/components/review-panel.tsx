import type { ItemDetail } from '../../../contract/item-detail.ts';
import type { ReviewOutcome } from '../../../contract/review.ts';
import { hours } from '../lib/run-policy.ts';
import { schemaOf } from '../lib/schema-entries.ts';
import { Notice } from './notice.tsx';
import { ReviewForm } from './review-form.tsx';

/** An item waiting in needs_review: why, until when, and the form whose decision finishes its run. */
export function ReviewPanel({ item, decidedBy, onDone }: { item: ItemDetail; decidedBy: string | undefined; onDone: (outcome: ReviewOutcome, reviewer: string) => void }) {
  const policy = item.model_config?.review;
  const schema = schemaOf(item.schema);
  return (
    <section class="card review-panel" aria-labelledby="review-title">
      <div class="card-header">
        <div>
          <h2 id="review-title">Waiting for a reviewer</h2>
          <p class="muted small">
            The models are not sure enough of this result. Check the fields, correct what is wrong, and the run finishes with your values.
            {policy &&
              ` Without a decision within ${hours(policy.deadline_hours)} of reaching review, it ${policy.on_deadline === 'accept' ? 'accepts the model’s values' : 'fails'}.`}
          </p>
        </div>
      </div>
      {decidedBy ? (
        <Notice kind="info">Decision sent. Finishing the run…</Notice>
      ) : schema ? (
        <ReviewForm item={item} schema={schema} mode="decide" onDone={onDone} />
      ) : (
        <Notice kind="error">This item’s schema no longer reads: decide through the API.</Notice>
      )}
    </section>
  );
}
