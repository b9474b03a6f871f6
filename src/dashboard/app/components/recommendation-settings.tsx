export const WINDOWS = [7, 30, 90, 365] as const;

export interface RecommendationSettingsDraft {
  days: number;
  /** As typed, in points: "2" is a 2-point loss. */
  maxLossPercent: string;
  minPairs: string;
}

/** The settings as the API takes them, or undefined while a field is not a value it accepts. */
export function settingsQuery(draft: RecommendationSettingsDraft): string | undefined {
  const loss = Number(draft.maxLossPercent);
  const pairs = Number(draft.minPairs);
  if (draft.maxLossPercent.trim() === '' || !(loss >= 0 && loss <= 50)) return undefined;
  if (!Number.isInteger(pairs) || pairs < 2 || pairs > 10_000) return undefined;
  return new URLSearchParams({ days: String(draft.days), max_accuracy_loss: String(loss / 100), min_pairs: String(pairs) }).toString();
}

/** The window, the accuracy a switch may give up and the evidence it needs. */
export function RecommendationSettings({ draft, onChange }: { draft: RecommendationSettingsDraft; onChange: (draft: RecommendationSettingsDraft) => void }) {
  const valid = settingsQuery(draft) !== undefined;
  const loss = Number(draft.maxLossPercent);
  const pairs = Number(draft.minPairs);
  return (
    <form class="card recommendation-controls" aria-label="Recommendation settings" onSubmit={(event) => event.preventDefault()}>
      <div class="row wrap">
        <label class="field">
          <span>Window</span>
          <select value={draft.days} onChange={(event) => onChange({ ...draft, days: Number(event.currentTarget.value) })}>
            {WINDOWS.map((value) => (
              <option key={value} value={value}>
                Last {value} days
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Max accuracy loss (points)</span>
          <input
            type="number"
            min={0}
            max={50}
            step={0.5}
            value={draft.maxLossPercent}
            aria-invalid={!(draft.maxLossPercent.trim() !== '' && loss >= 0 && loss <= 50)}
            onInput={(event) => onChange({ ...draft, maxLossPercent: event.currentTarget.value })}
          />
        </label>
        <label class="field">
          <span>Min pairs</span>
          <input
            type="number"
            min={2}
            max={10000}
            step={1}
            value={draft.minPairs}
            aria-invalid={!(Number.isInteger(pairs) && pairs >= 2 && pairs <= 10_000)}
            onInput={(event) => onChange({ ...draft, minPairs: event.currentTarget.value })}
          />
        </label>
      </div>
      <p class="muted small">
        A switch is recommended when the 95 % interval of the accuracy difference stays above −{valid ? draft.maxLossPercent : '…'} points, the candidate is
        cheaper per item with 95 % confidence and does not fail significantly more often.
      </p>
      {!valid && <p class="bad small">Max accuracy loss is 0–50 points; min pairs a whole number from 2 to 10 000.</p>}
    </form>
  );
}
