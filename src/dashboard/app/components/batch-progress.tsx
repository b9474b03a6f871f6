import type { ItemStatus } from '../lib/types.ts';
import { FINISHED_STATUSES } from '../lib/types.ts';

/** How far a processed batch has got: a progress bar and the count per outcome. */
export function BatchProgress({ statuses, onClose }: { statuses: ItemStatus[]; onClose: () => void }) {
  const finished = statuses.filter((status) => FINISHED_STATUSES.includes(status)).length;
  const tally = (status: ItemStatus) => statuses.filter((candidate) => candidate === status).length;
  const done = finished === statuses.length;
  return (
    <div class="batch" role="status" aria-live="polite">
      <div class="batch-head">
        <strong>{done ? 'Batch finished' : 'Processing batch'}</strong>
        <span class="muted">
          {finished} of {statuses.length} done · {tally('completed')} completed · {tally('failed')} failed
          {tally('cancelled') ? ` · ${tally('cancelled')} cancelled` : ''}
          {!done && ` · ${tally('running') + tally('queued')} in flight`}
          {tally('needs_review') ? ` · ${tally('needs_review')} waiting for review` : ''}
        </span>
        {done && (
          <button type="button" class="button-ghost" onClick={onClose} aria-label="Hide batch progress">
            ×
          </button>
        )}
      </div>
      <progress max={statuses.length} value={finished} aria-label="Batch progress" />
    </div>
  );
}
