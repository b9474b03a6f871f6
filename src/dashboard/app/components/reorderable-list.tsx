import type { ComponentChildren } from 'preact';

/** `list` with the entry at `from` moved to `to`. */
export function move<T>(list: readonly T[], from: number, to: number): T[] {
  const copy = [...list];
  const [moved] = copy.splice(from, 1);
  copy.splice(to, 0, moved!);
  return copy;
}

interface Props {
  ids: readonly string[];
  /** The list's accessible name, which says what its order means. */
  label: string;
  /** The rank shown beside an entry: `1`, `2`… or `A`, `B`… */
  rank: (index: number) => string;
  /** The entry as the buttons name it: "Move <name> up". */
  nameOf: (id: string) => string;
  body: (id: string, index: number) => ComponentChildren;
  /** `data-*` attributes of an entry, for tests and styles. */
  itemProps: (id: string) => Record<`data-${string}`, string>;
  onChange: (ids: string[]) => void;
}

/**
 * An ordered list the user arranges: a model chain (primary first) or an experiment's arms (control
 * first). Every control is a real button, so the keyboard can reorder too.
 */
export function ReorderableList({ ids, label, rank, nameOf, body, itemProps, onChange }: Props) {
  return (
    <ol class="chain-list" aria-label={label}>
      {ids.map((id, index) => (
        <li key={id} class="chain-item" {...itemProps(id)}>
          <span class="chain-rank" aria-hidden="true">
            {rank(index)}
          </span>
          <div class="chain-model">{body(id, index)}</div>
          <div class="chain-actions">
            <button type="button" class="icon-button" disabled={index === 0} onClick={() => onChange(move(ids, index, index - 1))} aria-label={`Move ${nameOf(id)} up`}>
              ↑
            </button>
            <button type="button" class="icon-button" disabled={index === ids.length - 1} onClick={() => onChange(move(ids, index, index + 1))} aria-label={`Move ${nameOf(id)} down`}>
              ↓
            </button>
            <button type="button" class="icon-button danger" onClick={() => onChange(ids.filter((other) => other !== id))} aria-label={`Remove ${nameOf(id)}`}>
              ×
            </button>
          </div>
        </li>
      ))}
    </ol>
  );
}
