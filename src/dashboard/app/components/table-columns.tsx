import type { ComponentChildren } from 'preact';
import type { Column } from './data-table.tsx';

/*
 * Column definitions several tables share: a figure in a given format, a model id, a provider.
 */

/** A right-aligned figure of the row, in `format`. */
export function figure<T>(key: string, header: ComponentChildren, value: (row: T) => number | null | undefined, format: (value: number | null) => ComponentChildren): Column<T> {
  return { key, header, numeric: true, cell: (row) => format(value(row) ?? null) };
}

/** The row's model id, naming the row. */
export const modelColumn = <T extends { model: string }>(header = 'Model'): Column<T> => ({
  key: 'model',
  header,
  rowHeader: true,
  cellClass: 'mono',
  cell: (row) => row.model,
});

export const providerColumn = <T extends { provider: string }>(): Column<T> => ({
  key: 'provider',
  header: 'Provider',
  cell: (row) => <span class={`provider provider-${row.provider}`}>{row.provider}</span>,
});

/** A configuration's name naming the row, or its short id when it has none (an ad-hoc run's). */
export const configurationColumn = <T extends { configuration_id: string; name: string | null }>(): Column<T> => ({
  key: 'configuration',
  header: 'Configuration',
  rowHeader: true,
  cell: (row) => row.name ?? <span class="muted">unnamed · {row.configuration_id.slice(0, 8)}</span>,
});
