import { useState } from 'preact/hooks';
import type { QueueItemSummary } from '../../../contract/queue.ts';
import { matchesSearch } from '../lib/format.ts';
import type { Selection } from '../lib/use-selection.ts';
import { DataTable } from './data-table.tsx';
import { accuracyColumn, documentColumn, itemRowProps, schemaColumn, selectColumn, statusColumn, timeColumn } from './item-columns.tsx';
import { SearchBox } from './search-box.tsx';

interface Props {
  items: readonly QueueItemSummary[] | undefined;
  selection: Selection;
  /** The list holds only the newest items: say so. */
  more: boolean;
  page: number;
}

/** The labelled queue items an experiment runs, searchable, selected with checkboxes. */
export function LabelledItemPicker({ items, selection, more, page }: Props) {
  const [search, setSearch] = useState('');
  const needle = search.trim().toLowerCase();
  const visible = (items ?? []).filter((item) => matchesSearch(item, needle));
  return (
    <fieldset class="chain">
      <legend>
        Labelled items <span class="muted">— {selection.ids.size} selected</span>
      </legend>
      <div class="toolbar">
        <div class="row wrap experiment-select-buttons">
          <button type="button" class="button-secondary" disabled={visible.length === 0} onClick={() => selection.set(visible.map((item) => item.id), true)}>
            Select all{needle ? ' shown' : ''}
          </button>
          <button type="button" class="button-ghost" disabled={selection.ids.size === 0} onClick={() => selection.clear()}>
            Select none
          </button>
        </div>
        <SearchBox label="Search labelled items" value={search} onInput={setSearch} />
      </div>
      {items === undefined ? (
        <p class="muted small">Loading…</p>
      ) : visible.length === 0 ? (
        <p class="muted small">{items.length === 0 ? 'No labelled item in the queue: add documents with expected values on the Queue page.' : 'No labelled item matches.'}</p>
      ) : (
        <DataTable
          rows={visible}
          columns={[selectColumn(selection, visible), documentColumn, schemaColumn, statusColumn, accuracyColumn({ hideNarrow: true }), timeColumn('Added', 'created_at')]}
          rowKey={(item) => item.id}
          rowProps={itemRowProps(selection)}
          compact
          wrapClass="experiment-items"
        />
      )}
      {more && <p class="muted small">The newest {page} queue items are searched.</p>}
    </fieldset>
  );
}
