import { FINISHED_STATUSES, type ItemStatus } from '../../../contract/item-status.ts';
import { QueuePageSchema, type QueuePage } from '../../../contract/queue.ts';
import { useApi } from '../lib/use-api.ts';

const POLL_MS = 1500;
/** The newest items, where a batch just started is. */
const PAGE_PATH = '/queue?limit=200';

/**
 * How far a processed batch has got: a progress bar and the count per outcome. The server starts
 * every run of the batch (`POST /queue/process`); this only watches their statuses.
 */
export function BatchProgress({ ids, onClose }: { ids: readonly string[]; onClose: () => void }) {
  const statusesIn = (page: QueuePage | undefined): ItemStatus[] => ids.map((id) => page?.items.find((item) => item.id === id)?.status ?? 'queued');
  const { data } = useApi(PAGE_PATH, QueuePageSchema, {
    pollMs: POLL_MS,
    poll: (page) => !statusesIn(page).every((status) => FINISHED_STATUSES.includes(status)),
  });
  const statuses = statusesIn(data);
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
