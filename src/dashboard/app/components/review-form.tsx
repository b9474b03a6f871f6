import { useState } from 'preact/hooks';
import type { ItemDetail } from '../../../contract/item-detail.ts';
import type { CanonicalSchema } from '../../../contract/schema/schema-node.ts';
import { ReviewOutcomeSchema, type ReviewOutcome } from '../../../contract/review.ts';
import { api, describeError } from '../lib/api.ts';
import { collectValues, enteredCount, NO_DRAFTS, rememberReviewer, rememberedReviewer, type Drafts } from '../lib/corrections.ts';
import { entriesOf } from '../lib/schema-entries.ts';
import { Notice } from './notice.tsx';
import { ReviewEntry } from './review-entry.tsx';

interface Props {
  item: ItemDetail;
  schema: CanonicalSchema;
  /**
   * `decide`: the run waits in needs_review; accepting as is or correcting finishes it.
   * `correct`: the item is completed; corrections change its ground truth and rescore it.
   */
  mode: 'decide' | 'correct';
  onDone: (outcome: ReviewOutcome, reviewer: string) => void;
  onCancel?: () => void;
}

/**
 * A reviewer's decision on an item's values: the model's value of each beside an input to correct
 * it, typed by the schema, and a table editor for each list of rows. In `decide` mode it finishes a
 * run waiting in needs_review — accepted as is or with corrections; in `correct` mode it fixes a
 * completed item's ground truth afterwards. Both send `POST /queue/{id}/review` with the corrections
 * by JSON Pointer (a whole table when its rows were edited); they become the item's expected values.
 */
export function ReviewForm({ item, schema, mode, onDone, onCancel }: Props) {
  const [reviewer, setReviewer] = useState(rememberedReviewer);
  const [drafts, setDrafts] = useState<Drafts>(NO_DRAFTS);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [showProblems, setShowProblems] = useState(false);

  const entries = entriesOf(schema.root);
  const data = item.result?.data ?? {};
  const reasons = item.result?.review_reasons ?? [];
  const { values: corrections, problems } = collectValues(entries, drafts);
  const corrected = Object.keys(corrections).length;
  // Typed, whether or not it is a value yet: what "Accept as is" would silently drop.
  const entered = enteredCount(drafts);
  const hasProblems = Object.keys(problems).length > 0;
  const named = reviewer.trim().length > 0;

  async function submit(withCorrections: boolean) {
    setShowProblems(true);
    if (withCorrections && (hasProblems || corrected === 0)) return;
    setBusy(true);
    setError(undefined);
    const name = reviewer.trim();
    rememberReviewer(name);
    try {
      const outcome = await api('POST', `/queue/${item.id}/review`, ReviewOutcomeSchema, { reviewer: name, corrections: withCorrections ? corrections : {} });
      setDrafts(NO_DRAFTS);
      setShowProblems(false);
      onDone(outcome, name);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      class="review-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit(true);
      }}
    >
      {mode === 'decide' && reasons.length > 0 && (
        <div class="review-reasons">
          <strong>Why it needs a person</strong>
          <ul>
            {reasons.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        </div>
      )}

      <ul class="review-fields" aria-label="Fields to review">
        {entries.map((entry) => (
          <ReviewEntry
            key={entry.key}
            entry={entry}
            data={data}
            fields={item.result?.fields}
            doubtful={reasons.some((reason) => reason.startsWith(`${entry.pointer}:`) || reason.startsWith(`${entry.pointer}/`))}
            drafts={drafts}
            problems={showProblems ? problems : {}}
            onDrafts={setDrafts}
            formId={`review-${mode}`}
          />
        ))}
      </ul>

      <div class="review-actions">
        <label class="field reviewer">
          <span>Reviewer</span>
          <input name="reviewer" value={reviewer} maxLength={200} autoComplete="name" placeholder="Your name" required onInput={(event) => setReviewer(event.currentTarget.value)} />
        </label>
        <div class="actions">
          {onCancel && (
            <button type="button" class="button-ghost" onClick={onCancel} disabled={busy}>
              Cancel
            </button>
          )}
          {mode === 'decide' && (
            <button
              type="button"
              class="button-secondary"
              disabled={busy || !named || entered > 0}
              title={entered > 0 ? 'Clear the corrections to accept the model’s values' : undefined}
              onClick={() => void submit(false)}
            >
              Accept as is
            </button>
          )}
          <button type="submit" class="button-primary" disabled={busy || !named || entered === 0}>
            {busy ? 'Sending…' : mode === 'decide' ? 'Submit corrections' : 'Save corrections'}
          </button>
        </div>
      </div>
      <p class="muted small">
        {!named
          ? 'Give your name: it is recorded with the decision.'
          : entered === 0
            ? mode === 'decide'
              ? 'Leave a field empty to keep the model’s value. Corrections become the item’s ground truth.'
              : 'Correct at least one field. Corrections become the item’s ground truth, and its runs are scored again.'
            : `${entered} field${entered === 1 ? '' : 's'} corrected; the others keep the model’s value.`}
      </p>
      {error && <Notice kind="error">{error}</Notice>}
    </form>
  );
}
