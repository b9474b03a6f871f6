import { useState } from 'preact/hooks';
import { api, describeError } from '../lib/api.ts';
import { collectCorrections, rememberReviewer, rememberedReviewer } from '../lib/corrections.ts';
import { fieldValue } from '../lib/format.ts';
import type { ExtractedField, ItemDetail } from '../../../contract/item-detail.ts';
import type { ExtractionField as SchemaField } from '../../../contract/queue.ts';
import { ReviewOutcomeSchema, type ReviewOutcome } from '../../../contract/review.ts';
import { Confidence, Validation } from './field-answer.tsx';
import { Notice } from './notice.tsx';

interface Props {
  item: ItemDetail;
  /**
   * `decide`: the run waits in needs_review; accepting as is or correcting finishes it.
   * `correct`: the item is completed; corrections change its ground truth and rescore it.
   */
  mode: 'decide' | 'correct';
  onDone: (outcome: ReviewOutcome, reviewer: string) => void;
  onCancel?: () => void;
}

/** The input a correction of `field` is typed in: one that only offers values of its type where it can. */
function CorrectionInput({ field, value, invalid, describedBy, onInput }: { field: SchemaField; value: string; invalid: boolean; describedBy?: string; onInput: (value: string) => void }) {
  const common = {
    id: `correct-${field.name}`,
    name: `correct-${field.name}`,
    'aria-label': `Correct ${field.name}`,
    'aria-invalid': invalid || undefined,
    'aria-describedby': describedBy,
  };
  if (field.type === 'boolean' || field.type === 'enum') {
    const options = field.type === 'boolean' ? [['true', 'yes'], ['false', 'no']] : (field.values ?? []).map((option) => [option, option]);
    return (
      <select {...common} value={value} onChange={(event) => onInput(event.currentTarget.value)}>
        <option value="">Keep the model’s value</option>
        {options.map(([option, label]) => (
          <option key={option} value={option}>
            {label}
          </option>
        ))}
      </select>
    );
  }
  if (field.type === 'date') return <input {...common} type="date" value={value} onInput={(event) => onInput(event.currentTarget.value)} />;
  return (
    <input
      {...common}
      type="text"
      inputMode={field.type === 'number' ? 'decimal' : field.type === 'integer' ? 'numeric' : 'text'}
      value={value}
      placeholder={field.type === 'list' ? 'comma, separated, values' : 'Keep the model’s value'}
      autoComplete="off"
      onInput={(event) => onInput(event.currentTarget.value)}
    />
  );
}

/** What the model said about one field: its value, confidence and whether the validator accepted it. */
function ModelAnswer({ name, found }: { name: string; found: ExtractedField | undefined }) {
  if (!found) return <span class="muted">no value</span>;
  return (
    <>
      <div class="value-cell">{fieldValue(found.value)}</div>
      <div class="review-flags small">
        <Confidence name={name} answer={found} />
        <Validation answer={found} />
        {found.corrected_by && (
          <span class="muted">
            corrected by {found.corrected_by}; model said {fieldValue(found.model_value)}
          </span>
        )}
      </div>
    </>
  );
}

/**
 * A reviewer's decision on an item's fields: the model's value of each beside an input to correct
 * it, typed by the schema. In `decide` mode it finishes a run waiting in needs_review — accepted as
 * is or with corrections; in `correct` mode it fixes a completed item's ground truth afterwards.
 * Both send `POST /queue/{id}/review`; the corrections become the item's expected values.
 */
export function ReviewForm({ item, mode, onDone, onCancel }: Props) {
  const [reviewer, setReviewer] = useState(rememberedReviewer);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [showProblems, setShowProblems] = useState(false);

  const reasons = item.result?.review_reasons ?? [];
  const doubtful = (name: string) => reasons.some((reason) => reason.startsWith(`${name}:`));
  const { corrections, problems } = collectCorrections(item.schema.fields, drafts);
  const corrected = Object.keys(corrections).length;
  // Typed, whether or not it is a value yet: what "Accept as is" would silently drop.
  const entered = Object.values(drafts).filter((draft) => draft.trim()).length;
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
      setDrafts({});
      setShowProblems(false);
      onDone(outcome, name);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }

  const formId = `review-${mode}`;
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
        {item.schema.fields.map((field) => {
          const problem = showProblems ? problems[field.name] : undefined;
          const problemId = `${formId}-${field.name}-problem`;
          return (
            <li key={field.name} class={doubtful(field.name) ? 'review-field doubtful' : 'review-field'} data-review-field={field.name}>
              <div class="review-name">
                <strong>{field.name}</strong>
                <div class="muted small">
                  {field.type}
                  {field.required ? ' · required' : ''}
                  {doubtful(field.name) && <span class="tag tag-warn">doubtful</span>}
                </div>
              </div>
              <div class="review-model">
                <div class="review-caption">Model’s value</div>
                <ModelAnswer name={field.name} found={item.result?.fields?.[field.name]} />
              </div>
              <div class="review-correction">
                <label class="review-caption" for={`correct-${field.name}`}>
                  Correction{field.type === 'list' ? ' (comma-separated)' : ''}
                </label>
                <CorrectionInput
                  field={field}
                  value={drafts[field.name] ?? ''}
                  invalid={Boolean(problem)}
                  describedBy={problem ? problemId : undefined}
                  onInput={(value) => setDrafts({ ...drafts, [field.name]: value })}
                />
                {problem && (
                  <span id={problemId} class="bad small">
                    {problem}
                  </span>
                )}
              </div>
            </li>
          );
        })}
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
