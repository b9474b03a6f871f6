import type { PolicyDraft, PolicyProblems } from '../lib/run-policy.ts';

interface Props {
  draft: PolicyDraft;
  problems: PolicyProblems;
  onChange: (draft: PolicyDraft) => void;
}

/**
 * A configuration's optional limits: what one item may cost, and whether doubtful items wait for a
 * person (below which confidence, for how long, and what happens when nobody decides).
 */
export function PolicyEditor({ draft, problems, onChange }: Props) {
  const set = (patch: Partial<PolicyDraft>) => onChange({ ...draft, ...patch });
  return (
    <fieldset class="chain policy">
      <legend>
        <span class="chain-stage">Limits</span>
        <span class="muted"> — spend and human review, both optional</span>
      </legend>
      <label class="field">
        <span>Budget per item (USD)</span>
        <input
          name="max-cost-usd"
          type="number"
          inputMode="decimal"
          min={0}
          step="any"
          placeholder="No limit"
          value={draft.budget}
          aria-invalid={problems.budget ? true : undefined}
          aria-describedby="budget-help"
          onInput={(event) => set({ budget: event.currentTarget.value })}
        />
        <span id="budget-help" class={problems.budget ? 'bad small' : 'muted small'}>
          {problems.budget ?? 'A model whose expected cost would overspend is skipped for the next of its chain; with none left the item fails.'}
        </span>
      </label>

      <label class="check-field">
        <input type="checkbox" name="review-enabled" checked={draft.reviewOn} aria-controls="review-policy" onChange={(event) => set({ reviewOn: event.currentTarget.checked })} />
        <span>Send doubtful items to a reviewer</span>
      </label>
      {draft.reviewOn && (
        <div id="review-policy" class="policy-grid">
          <label class="field">
            <span>Confidence threshold (0–1)</span>
            <input
              name="review-threshold"
              type="number"
              inputMode="decimal"
              min={0}
              max={1}
              step={0.05}
              value={draft.threshold}
              aria-invalid={problems.threshold ? true : undefined}
              onInput={(event) => set({ threshold: event.currentTarget.value })}
            />
            <span class={problems.threshold ? 'bad small' : 'muted small'}>{problems.threshold ?? 'A field below it, or one the validator rejected, needs a person.'}</span>
          </label>
          <label class="field">
            <span>Deadline (hours)</span>
            <input
              name="review-deadline-hours"
              type="number"
              inputMode="decimal"
              min={0}
              step="any"
              value={draft.deadlineHours}
              aria-invalid={problems.deadlineHours ? true : undefined}
              onInput={(event) => set({ deadlineHours: event.currentTarget.value })}
            />
            <span class={problems.deadlineHours ? 'bad small' : 'muted small'}>{problems.deadlineHours ?? 'How long an item waits for a decision.'}</span>
          </label>
          <label class="field">
            <span>When nobody decides in time</span>
            <select name="review-on-deadline" value={draft.onDeadline} onChange={(event) => set({ onDeadline: event.currentTarget.value === 'fail' ? 'fail' : 'accept' })}>
              <option value="accept">Accept the model’s values</option>
              <option value="fail">Fail the item</option>
            </select>
          </label>
        </div>
      )}
    </fieldset>
  );
}
