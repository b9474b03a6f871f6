import { useState } from 'preact/hooks';

export interface Selection {
  ids: ReadonlySet<string>;
  has(id: string): boolean;
  toggle(id: string): void;
  /** Selects (or clears) every id given, leaving the others as they are. */
  set(ids: readonly string[], on: boolean): void;
  replace(ids: readonly string[]): void;
  clear(): void;
}

/** A set of selected item ids, as the queue and the experiment form keep it. */
export function useSelection(): Selection {
  const [ids, setIds] = useState<ReadonlySet<string>>(new Set());
  const update = (change: (next: Set<string>) => void) =>
    setIds((current) => {
      const next = new Set(current);
      change(next);
      return next;
    });
  return {
    ids,
    has: (id) => ids.has(id),
    toggle: (id) => update((next) => (next.has(id) ? next.delete(id) : next.add(id))),
    set: (list, on) => update((next) => list.forEach((id) => (on ? next.add(id) : next.delete(id)))),
    replace: (list) => setIds(new Set(list)),
    clear: () => setIds(new Set()),
  };
}
