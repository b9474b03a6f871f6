import type { ItemStatus } from '../../../contract/item-status.ts';
import { SearchBox } from './search-box.tsx';

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

interface Props {
  filter: ItemStatus | '';
  onFilter: (status: ItemStatus | '') => void;
  /** Items waiting for a reviewer, shown on their chip. */
  waiting: number;
  search: string;
  onSearch: (text: string) => void;
}

/** The queue's toolbar: a chip per status and a search over text, file, schema and id. */
export function StatusFilter({ filter, onFilter, waiting, search, onSearch }: Props) {
  return (
    <div class="toolbar">
      <div class="chips" role="group" aria-label="Filter by status">
        {FILTERS.map(({ status, label }) => (
          <button key={label} type="button" class={filter === status ? 'chip active' : 'chip'} aria-pressed={filter === status} onClick={() => onFilter(status)}>
            {label}
            {status === 'needs_review' && waiting > 0 && (
              <span class="chip-count" aria-hidden="true">
                {waiting}
              </span>
            )}
          </button>
        ))}
      </div>
      <SearchBox label="Search documents" value={search} onInput={onSearch} />
    </div>
  );
}
