import { useEffect, useMemo, useState } from 'preact/hooks';
import { AddDocuments } from '../components/add-documents.tsx';
import { BatchProgress } from '../components/batch-progress.tsx';
import { Notice } from '../components/notice.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { api, describeError } from '../lib/api.ts';
import { percent, relativeTime, shortId } from '../lib/format.ts';
import { lastConfiguration, rememberConfiguration } from '../lib/last-configuration.ts';
import { useInterval } from '../lib/use-interval.ts';
import { ACTIVE_STATUSES, type ItemStatus, type QueueItemSummary, type SavedConfiguration } from '../lib/types.ts';
import { DocumentCell, SelectAllHeader, SelectCell } from '../components/item-cells.tsx';

const FILTERS: Array<{ status: ItemStatus | ''; label: string }> = [
  { status: '', label: 'All' },
  { status: 'pending', label: 'Pending' },
  { status: 'queued', label: 'Queued' },
  { status: 'running', label: 'Running' },
  { status: 'needs_review', label: 'Needs review' },
  { status: 'completed', label: 'Completed' },
  { status: 'failed', label: 'Failed' },
  { status: 'cancelled', label: 'Cancelled' },
];
const PAGE = 200;
const POLL_MS = 1500;
/** How many process requests are in flight at once when a batch starts. */
const START_CONCURRENCY = 4;

type Page = { items: QueueItemSummary[]; next_cursor: string | null };

const matches = (item: QueueItemSummary, search: string) =>
  !search ||
  [item.id, item.document_filename ?? '', item.document_preview, item.schema_name].some((text) => text.toLowerCase().includes(search));

/** The queue: add documents, filter and search items, process a selection with a configuration, watch it. */
export function QueuePage() {
  const [filter, setFilter] = useState<ItemStatus | ''>('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState<Page>();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [configurations, setConfigurations] = useState<SavedConfiguration[]>([]);
  const [configurationId, setConfigurationId] = useState(() => lastConfiguration()?.id ?? '');
  const [batch, setBatch] = useState<Map<string, ItemStatus>>();
  const [adding, setAdding] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'success' | 'info'; text: string }>();
  /** Items waiting for a reviewer, whatever the filter shows; `+` when there are more than a page. */
  const [waiting, setWaiting] = useState<{ count: number; more: boolean }>();

  const load = async () => {
    try {
      const query = new URLSearchParams({ limit: String(PAGE), ...(filter ? { status: filter } : {}) });
      const [next, review] = await Promise.all([
        api<Page>('GET', `/queue?${query}`),
        filter === 'needs_review' ? undefined : api<Page>('GET', `/queue?status=needs_review&limit=${PAGE}`),
      ]);
      setPage(next);
      const inReview = review ?? next;
      setWaiting({ count: inReview.items.length, more: inReview.next_cursor !== null });
      if (batch) {
        const all = filter ? (await api<Page>('GET', `/queue?limit=${PAGE}`)).items : next.items;
        setBatch(new Map([...batch].map(([id, status]) => [id, all.find((item) => item.id === id)?.status ?? status])));
      }
    } catch (error) {
      setMessage({ kind: 'error', text: describeError(error) });
    }
  };
  useEffect(() => void load(), [filter]);
  useEffect(() => {
    api<SavedConfiguration[]>('GET', '/configurations')
      .then((rows) => {
        const named = rows.filter((row) => row.name !== null);
        setConfigurations(named);
        setConfigurationId((current) => (named.some((row) => row.id === current) ? current : (named[0]?.id ?? '')));
      })
      .catch((error: unknown) => setMessage({ kind: 'error', text: describeError(error) }));
  }, []);
  useEffect(() => {
    if (page && page.items.length === 0 && !filter) setAdding(true);
  }, [page === undefined]);

  const busy = Boolean(page?.items.some((item) => ACTIVE_STATUSES.includes(item.status))) || Boolean(batch && [...batch.values()].some((status) => status === 'pending' || ACTIVE_STATUSES.includes(status)));
  useInterval(() => void load(), POLL_MS, busy);

  const visible = useMemo(() => (page?.items ?? []).filter((item) => matches(item, search.trim().toLowerCase())), [page, search]);
  const processable = visible.filter((item) => item.status === 'pending' || item.status === 'failed' || item.status === 'cancelled');
  const allSelected = visible.length > 0 && visible.every((item) => selected.has(item.id));

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };

  async function process() {
    const configuration = configurations.find((row) => row.id === configurationId);
    if (!configuration) return;
    rememberConfiguration({ id: configuration.id, name: configuration.name ?? configuration.id, config: configuration });
    const ids = [...selected];
    setBatch(new Map(ids.map((id) => [id, 'queued'])));
    setMessage(undefined);
    const failures: string[] = [];
    const queue = [...ids];
    await Promise.all(
      Array.from({ length: Math.min(START_CONCURRENCY, ids.length) }, async () => {
        for (let id = queue.shift(); id; id = queue.shift()) {
          try {
            await api('POST', `/queue/process/${id}`, { configuration_id: configuration.id });
          } catch (error) {
            failures.push(`${shortId(id)}: ${describeError(error)}`);
          }
        }
      }),
    );
    setSelected(new Set());
    if (failures.length) setMessage({ kind: 'error', text: `${failures.length} of ${ids.length} did not start — ${failures.join('; ')}` });
    await load();
  }

  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>Queue</h1>
          <p class="muted">Documents waiting for extraction and the runs that processed them. Status updates live.</p>
        </div>
        <div class="header-actions">
          {waiting && waiting.count > 0 && (
            <button type="button" class="review-callout" onClick={() => setFilter('needs_review')}>
              <span class="count-badge" data-review-count>
                {waiting.count}
                {waiting.more ? '+' : ''}
              </span>
              waiting for review
            </button>
          )}
          <button type="button" class={adding ? 'button-secondary' : 'button-primary'} aria-expanded={adding} onClick={() => setAdding(!adding)}>
            {adding ? 'Hide the form' : 'Add documents'}
          </button>
        </div>
      </header>

      {adding && (
        <AddDocuments
          onAdded={() => {
            setFilter('');
            void load();
          }}
        />
      )}

      <section class="card" aria-labelledby="queue-title">
        <h2 id="queue-title" class="sr-only">
          Queue items
        </h2>
        <div class="toolbar">
          <div class="chips" role="group" aria-label="Filter by status">
            {FILTERS.map(({ status, label }) => (
              <button key={label} type="button" class={filter === status ? 'chip active' : 'chip'} aria-pressed={filter === status} onClick={() => setFilter(status)}>
                {label}
                {status === 'needs_review' && waiting && waiting.count > 0 && (
                  <span class="chip-count" aria-hidden="true">
                    {waiting.count}
                    {waiting.more ? '+' : ''}
                  </span>
                )}
              </button>
            ))}
          </div>
          <label class="search">
            <span class="sr-only">Search documents</span>
            <input type="search" placeholder="Search text, file, schema or id" value={search} onInput={(event) => setSearch(event.currentTarget.value)} />
          </label>
        </div>

        <div class="process-bar">
          <label class="field inline">
            <span>Configuration</span>
            <select value={configurationId} onChange={(event) => setConfigurationId(event.currentTarget.value)} disabled={configurations.length === 0}>
              {configurations.length === 0 && <option value="">No saved configuration</option>}
              {configurations.map((row) => (
                <option key={row.id} value={row.id}>
                  {row.name}
                </option>
              ))}
            </select>
          </label>
          {configurations.length === 0 && (
            <a class="small" href="#/configurations">
              Build one first
            </a>
          )}
          <button type="button" class="button-primary" disabled={selected.size === 0 || !configurationId} onClick={() => void process()}>
            Process {selected.size || ''} selected
          </button>
          <button
            type="button"
            class="button-ghost"
            disabled={processable.length === 0}
            onClick={() => setSelected(new Set(processable.map((item) => item.id)))}
          >
            Select all pending, failed and cancelled
          </button>
        </div>

        {batch && batch.size > 0 && <BatchProgress statuses={[...batch.values()]} onClose={() => setBatch(undefined)} />}
        {message && (
          <Notice kind={message.kind} onDismiss={() => setMessage(undefined)}>
            {message.text}
          </Notice>
        )}

        {page === undefined ? (
          <p class="muted">Loading…</p>
        ) : visible.length === 0 ? (
          <div class="empty">
            <p>{search || filter ? 'No item matches.' : 'The queue is empty.'}</p>
            {!search && !filter && <p class="muted">Use “Add documents” to paste text or upload PDF, HTML or text files.</p>}
          </div>
        ) : (
          <div class="table-wrap">
            <table class="table queue-table">
              <thead>
                <tr>
                  <SelectAllHeader checked={allSelected} onToggle={() => setSelected(allSelected ? new Set() : new Set(visible.map((item) => item.id)))} />
                  <th scope="col">Document</th>
                  <th scope="col" class="hide-narrow">
                    Schema
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">
                    Accuracy
                  </th>
                  <th scope="col" class="hide-narrow">
                    Updated
                  </th>
                </tr>
              </thead>
              <tbody>
                {visible.map((item) => (
                  <tr key={item.id} data-item={item.id} class={selected.has(item.id) ? 'selected' : ''}>
                    <SelectCell item={item} selected={selected.has(item.id)} onToggle={() => toggle(item.id)} />
                    <DocumentCell item={item} />
                    <td class="hide-narrow">{item.schema_name}</td>
                    <td>
                      <StatusBadge status={item.status} />
                      {item.current_stage && ACTIVE_STATUSES.includes(item.status) && <div class="muted small">{item.current_stage}</div>}
                    </td>
                    <td class="num">{item.accuracy === null ? (item.labelled ? '—' : <span class="muted small">unlabelled</span>) : percent(item.accuracy, 0)}</td>
                    <td class="nowrap muted small hide-narrow" title={item.updated_at}>
                      {relativeTime(item.updated_at)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {page?.next_cursor && <p class="muted small">Showing the newest {PAGE}; filter or search to narrow down.</p>}
      </section>
    </div>
  );
}
