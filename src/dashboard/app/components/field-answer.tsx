import type { ComponentChildren } from 'preact';
import type { ExtractedField } from '../../../contract/item-detail.ts';
import { percent } from '../lib/format.ts';

/** How sure the model was of a field: a meter and the percentage. */
export function Confidence({ name, answer, fallback = null }: { name: string; answer: ExtractedField | undefined; fallback?: ComponentChildren }) {
  if (typeof answer?.confidence !== 'number') return <>{fallback}</>;
  return (
    <span class="confidence">
      <meter min={0} max={1} low={0.5} high={0.8} optimum={1} value={answer.confidence} aria-label={`${name} confidence`} />
      {percent(answer.confidence, 0)}
    </span>
  );
}

/** Whether the validator accepted the field's value. */
export function Validation({ answer, fallback = null }: { answer: ExtractedField | undefined; fallback?: ComponentChildren }) {
  if (answer?.validated === true) return <span class="ok">✓ valid</span>;
  if (answer?.validated === false) return <span class="bad">✗ disputed</span>;
  return <>{fallback}</>;
}
