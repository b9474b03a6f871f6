import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ACTIVE_STATUSES, type ItemStatus } from '../../../contract/item-status.ts';
import { QueueCountSchema, QueuePageSchema, type QueueItemSummary } from '../../../contract/queue.ts';
import { AddDocuments } from '../components/add-documents.tsx';
import { BatchProgress } from '../components/batch-progress.tsx';
import { DataTable } from '../components/data-table.tsx';
import { accuracyColumn, documentColumn, itemRowProps, schemaColumn, selectColumn, statusColumn, timeColumn } from '../components/item-columns.tsx';
import { Notice } from '../components/notice.tsx';
import { ProcessBar } from '../components/process-bar.tsx';
import { StatusFilter } from '../components/status-filter.tsx';
import { matchesSearch } from '../lib/format.ts';
import { useApi } from '../lib/use-api.ts';
import { useConfigurations } from '../lib/use-configurations.ts';
import { useSelection } from '../lib/use-selection.ts';

const PAGE = 200;
const isActive = (item: QueueItemSummary) => ACTIVE_STATUSES.includes(item.status);
const POLL_MS = 1500;

/** The queue: add documents, filter and search items, process a selection with a configuration, watch it. */
export function QueuePage() {
  const [filter, setFilter] = useState<ItemStatus | ''>('');
  const [search, setSearch] = useState('');
  /** Undefined until a person opens or closes the form: it is then open exactly when the queue is empty. */
  const [adding, setAdding] = useState<boolean>();
  const [batch, setBatch] = useState<string[]>();
  const [message, setMessage] = useState<{ kind: 'error' | 'success' | 'info'; text: string }>();
  const selection = useSelection();

  const query = new URLSearchParams({ limit: String(PAGE), ...(filter ? { status: filter } : {}) });
  const page = useApi(`/queue?${query}`, QueuePageSchema, { pollMs: POLL_MS, poll: (shown) => Boolean(shown?.items.some(isActive)) });
  const busy = Boolean(page.data?.items.some(isActive));
  // The review badge counts every item waiting for a person, whatever the filter shows.
  const waiting = useApi('/queue/count?status=needs_review', QueueCountSchema, { pollMs: POLL_MS, poll: busy });
  const saved = useConfigurations();

  const items = page.data?.items;
  // Once nothing runs any more, the badge is counted once more: the last run may have just left review.
  const wasBusy = useRef(false);
  useEffect(() => {
    if (wasBusy.current && !busy) void waiting.reload();
    wasBusy.current = busy;
  }, [busy]);
  // Decided in the render that shows the empty queue, so the form and the empty list appear together.
  const formOpen = adding ?? (items !== undefined && items.length === 0 && !filter);

  const needle = search.trim().toLowerCase();
  const visible = useMemo(() => (items ?? []).filter((item) => matchesSearch(item, needle)), [items, needle]);
  const loadError = page.error ?? saved.error;
  const notice = message ?? (loadError ? { kind: 'error' as const, text: loadError } : undefined);
  const waitingCount = waiting.data?.count ?? 0;

  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>Queue</h1>
          <p class="muted">Documents waiting for extraction and the runs that processed them. Status updates live.</p>
        </div>
        <div class="header-actions">
          {waitingCount > 0 && (
            <button type="button" class="review-callout" onClick={() => setFilter('needs_review')}>
              <span class="count-badge" data-review-count>
                {waitingCount}
              </span>
              waiting for review
            </button>
          )}
          <button type="button" class={formOpen ? 'button-secondary' : 'button-primary'} aria-expanded={formOpen} onClick={() => setAdding(!formOpen)}>
            {formOpen ? 'Hide the form' : 'Add documents'}
          </button>
        </div>
      </header>

      {formOpen && (
        <AddDocuments
          onAdded={() => {
            // Opened because the queue was empty: it stays open for the next document.
            setAdding(true);
            setFilter('');
            void page.reload();
          }}
        />
      )}

      <section class="card" aria-labelledby="queue-title">
        <h2 id="queue-title" class="sr-only">
          Queue items
        </h2>
        <StatusFilter filter={filter} onFilter={setFilter} waiting={waitingCount} search={search} onSearch={setSearch} />
        <ProcessBar
          configurations={saved.configurations ?? []}
          selection={selection}
          shown={visible}
          onStarted={(ids, problem) => {
            setBatch(ids.length ? ids : undefined);
            setMessage(problem ? { kind: 'error', text: problem } : undefined);
            void page.reload();
          }}
        />
        {batch && batch.length > 0 && <BatchProgress ids={batch} onClose={() => setBatch(undefined)} />}
        {notice && (
          <Notice kind={notice.kind} onDismiss={() => setMessage(undefined)}>
            {notice.text}
          </Notice>
        )}

        {items === undefined ? (
          !loadError && <p class="muted">Loading…</p>
        ) : visible.length === 0 ? (
          <div class="empty">
            <p>{search || filter ? 'No item matches.' : 'The queue is empty.'}</p>
            {!search && !filter && <p class="muted">Use “Add documents” to paste text or upload files: PDFs, scans and photos, Word documents, HTML or text.</p>}
          </div>
        ) : (
          <DataTable
            rows={visible}
            columns={[selectColumn(selection, visible), documentColumn, schemaColumn, statusColumn, accuracyColumn(), timeColumn('Updated', 'updated_at')]}
            rowKey={(item) => item.id}
            rowProps={itemRowProps(selection)}
            className="queue-table"
          />
        )}
        {page.data?.next_cursor && <p class="muted small">Showing the newest {PAGE}; filter or search to narrow down.</p>}
      </section>
    </div>
  );
}
