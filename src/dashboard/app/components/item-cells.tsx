import { shortId } from '../lib/format.ts';
import type { QueueItemSummary } from '../lib/types.ts';

/** The header checkbox of a table of selectable items: selects or clears every item shown. */
export function SelectAllHeader({ checked, onToggle }: { checked: boolean; onToggle: () => void }) {
  return (
    <th scope="col" class="check">
      <input type="checkbox" aria-label="Select every item shown" checked={checked} onChange={onToggle} />
    </th>
  );
}

/** A row's selection checkbox, named after the item's document for screen readers. */
export function SelectCell({ item, selected, onToggle }: { item: QueueItemSummary; selected: boolean; onToggle: () => void }) {
  return (
    <td class="check">
      <input type="checkbox" aria-label={`Select ${item.document_filename ?? shortId(item.id)}`} checked={selected} onChange={onToggle} />
    </td>
  );
}

/** The item's document: its file name (or a short id for pasted text) linking to it, and a preview. */
export function DocumentCell({ item }: { item: QueueItemSummary }) {
  return (
    <td class="doc-cell">
      <a href={`#/items/${item.id}`} class="doc-link">
        {item.document_filename ?? `Pasted text · ${shortId(item.id)}`}
      </a>
      <div class="preview muted small">{item.document_preview}</div>
    </td>
  );
}
