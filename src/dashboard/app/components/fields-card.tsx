import type { ItemDetail } from '../../../contract/item-detail.ts';
import type { ReviewOutcome } from '../../../contract/review.ts';
import { schemaOf } from '../lib/schema-entries.ts';
import { FieldsTable } from './fields-table.tsx';
import { Notice } from './notice.tsx';
import { ReviewForm } from './review-form.tsx';

interface Props {
  item: ItemDetail;
  /** The completed item's fields are being corrected: the form replaces the table. */
  correcting: boolean;
  onCorrect: (correcting: boolean) => void;
  onCorrected: (outcome: ReviewOutcome, reviewer: string) => void;
}

/** The item's extracted fields, who reviewed or corrected them, and the way to correct a completed item. */
export function FieldsCard({ item, correcting, onCorrect, onCorrected }: Props) {
  const result = item.result;
  const schema = schemaOf(item.schema);
  return (
    <section class="card" aria-labelledby="fields-title">
      <div class="card-header">
        <h2 id="fields-title">Extracted fields</h2>
        {result?.document_type && <span class="tag">{result.document_type}</span>}
        {item.status === 'completed' && !correcting && (
          <button type="button" class="button-secondary header-end" onClick={() => onCorrect(true)}>
            Correct fields
          </button>
        )}
      </div>
      {(result?.reviewed_by || result?.corrected_by) && (
        <p class="muted small">
          {result.reviewed_by && `Reviewed by ${result.reviewed_by} before it finished. `}
          {result.corrected_by && `Ground truth last corrected by ${result.corrected_by}.`}
        </p>
      )}
      {!schema ? (
        <Notice kind="error">This item’s schema no longer reads; its values are in the API’s answer.</Notice>
      ) : correcting ? (
        <ReviewForm item={item} schema={schema} mode="correct" onDone={onCorrected} onCancel={() => onCorrect(false)} />
      ) : (
        <FieldsTable schema={schema} result={result} expected={item.expected} />
      )}
    </section>
  );
}
