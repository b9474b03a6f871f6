import type { QueueItemSummary } from '../../../contract/queue.ts';
import { ACTIVE_STATUSES } from '../../../contract/item-status.ts';
import { percent, relativeTime, shortId } from '../lib/format.ts';
import type { Selection } from '../lib/use-selection.ts';
import type { Column } from './data-table.tsx';
import { StatusBadge } from './status-badge.tsx';

/*
 * The columns of the tables of queue items (the queue, the experiment form's item picker): each
 * table picks the ones it shows.
 */

type ItemColumn = Column<QueueItemSummary>;

/** A checkbox per row, and one in the header that selects or clears every item shown. */
export function selectColumn(selection: Selection, shown: readonly QueueItemSummary[]): ItemColumn {
  const allSelected = shown.length > 0 && shown.every((item) => selection.has(item.id));
  return {
    key: 'select',
    className: 'check',
    header: (
      <input
        type="checkbox"
        aria-label="Select every item shown"
        checked={allSelected}
        onChange={() => selection.set(shown.map((item) => item.id), !allSelected)}
      />
    ),
    cell: (item) => (
      <input type="checkbox" aria-label={`Select ${item.document_filename ?? shortId(item.id)}`} checked={selection.has(item.id)} onChange={() => selection.toggle(item.id)} />
    ),
  };
}

/** The item's document: its file name (or a short id for pasted text) linking to it, and a preview. */
export const documentColumn: ItemColumn = {
  key: 'document',
  header: 'Document',
  cellClass: 'doc-cell',
  cell: (item) => (
    <>
      <a href={`#/items/${item.id}`} class="doc-link">
        {item.document_filename ?? `Pasted text · ${shortId(item.id)}`}
      </a>
      <div class="preview muted small">{item.document_preview}</div>
    </>
  ),
};

export const schemaColumn: ItemColumn = { key: 'schema', header: 'Schema', hideNarrow: true, cell: (item) => item.schema_name };

/** The status, and while a run owns the item, the stage it is in. */
export const statusColumn: ItemColumn = {
  key: 'status',
  header: 'Status',
  cell: (item) => (
    <>
      <StatusBadge status={item.status} />
      {item.current_stage && ACTIVE_STATUSES.includes(item.status) && <div class="muted small">{item.current_stage}</div>}
    </>
  ),
};

export const accuracyColumn = (options: { hideNarrow?: boolean } = {}): ItemColumn => ({
  key: 'accuracy',
  header: 'Accuracy',
  numeric: true,
  hideNarrow: options.hideNarrow,
  cell: (item) => (item.accuracy === null ? item.labelled ? '—' : <span class="muted small">unlabelled</span> : percent(item.accuracy, 0)),
});

/** When the item was added or last changed, as "3 min ago", with the exact time on hover. */
export const timeColumn = (header: string, field: 'created_at' | 'updated_at'): ItemColumn => ({
  key: field,
  header,
  hideNarrow: true,
  cellClass: 'nowrap muted small',
  title: (item) => item[field],
  cell: (item) => relativeTime(item[field]),
});

/** The row of an item: selectable, and found by tests and links through its id. */
export const itemRowProps = (selection: Selection) => (item: QueueItemSummary) => ({ 'data-item': item.id, class: selection.has(item.id) ? 'selected' : '' });
