import { PathAccuracyListSchema, type PathAccuracyRow } from '../../../contract/analytics.ts';
import { count, percent } from '../lib/format.ts';
import { useApi } from '../lib/use-api.ts';
import { DataTable, type Column } from './data-table.tsx';
import { Notice } from './notice.tsx';

const columns: Array<Column<PathAccuracyRow>> = [
  { key: 'path', header: 'Field path', rowHeader: true, cellClass: 'mono', cell: (row) => row.path },
  { key: 'schema', header: 'Schema', cell: (row) => row.schema_name ?? '—' },
  { key: 'configuration', header: 'Configuration', cell: (row) => row.configuration_name ?? row.configuration_id?.slice(0, 8) ?? '—' },
  { key: 'accuracy', header: 'Accuracy', numeric: true, cell: (row) => percent(row.accuracy) },
  { key: 'values', header: 'Values scored', numeric: true, cell: (row) => `${count(row.correct)} / ${count(row.values)}` },
  { key: 'items', header: 'Items', numeric: true, cell: (row) => count(row.items) },
];

/**
 * Accuracy per field path (`/line_items/*\/amount`) of labelled completed items, least accurate
 * first: which values a configuration gets wrong, not only how often. `query` narrows it (a time
 * range, an experiment).
 */
export function PathAccuracyTable({ query }: { query: string }) {
  const { data, error } = useApi(`/analytics/paths?${query}`, PathAccuracyListSchema);
  if (error) return <Notice kind="error">{error}</Notice>;
  if (!data) return <p class="muted">Loading…</p>;
  if (data.length === 0) return <p class="muted">No labelled item has finished here yet: give documents expected values to see which fields go wrong.</p>;
  return <DataTable name="paths" rows={data} columns={columns} rowKey={(row) => `${row.configuration_id}|${row.schema_name}|${row.path}`} />;
}
