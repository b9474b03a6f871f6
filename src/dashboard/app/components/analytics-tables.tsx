import type { ConfigurationPerformanceRow, ModelPerformanceRow, TimeRangeAnalytics } from '../../../contract/analytics.ts';
import { count, duration, percent, tokens, usd } from '../lib/format.ts';
import { DataTable, type Column } from './data-table.tsx';
import { configurationColumn, figure, modelColumn, providerColumn } from './table-columns.tsx';

/*
 * The analytics page's tables: per model and per configuration, over the chosen time range
 * (`/dashboard/analytics`), or narrowed by the filters (`/analytics/models`, `/analytics/configurations`).
 */

type RangeModel = TimeRangeAnalytics['models'][number];
type RangeConfiguration = TimeRangeAnalytics['configurations'][number];

const share = (part: number, whole: number) => (whole ? part / whole : null);
const tokenColumn = <T extends { input_tokens: number | null; output_tokens: number | null }>(): Column<T> => ({
  key: 'tokens',
  header: 'Tokens in / out',
  numeric: true,
  cell: (row) => `${tokens(row.input_tokens ?? 0)} / ${tokens(row.output_tokens ?? 0)}`,
});
const accuracyColumn = <T extends { avg_accuracy: number | null; labelled_runs: number }>(): Column<T> => ({
  key: 'accuracy',
  header: 'Accuracy',
  numeric: true,
  cell: (row) => (
    <>
      {percent(row.avg_accuracy)}
      {row.labelled_runs > 0 && <span class="muted small"> ({row.labelled_runs})</span>}
    </>
  ),
});

const rangeModelColumns: Array<Column<RangeModel>> = [
  modelColumn(),
  providerColumn(),
  figure('calls', 'Calls', (row) => row.calls, (value) => count(value ?? 0)),
  figure('success', 'Success', (row) => share(row.successes, row.calls), percent),
  figure('cost', 'Cost', (row) => row.cost_usd, usd),
  figure('avg-latency', 'Avg latency', (row) => row.avg_latency_ms, duration),
  figure('p50', 'p50', (row) => row.p50_latency_ms, duration),
  figure('p95', 'p95', (row) => row.p95_latency_ms, duration),
  tokenColumn(),
];

const filteredModelColumns: Array<Column<ModelPerformanceRow>> = [
  modelColumn(),
  providerColumn(),
  { key: 'stage', header: 'Stage', cellClass: 'capitalise', cell: (row) => row.stage },
  figure('calls', 'Calls', (row) => row.calls, (value) => count(value ?? 0)),
  figure('success', 'Success', (row) => row.success_rate, percent),
  figure('cost', 'Cost', (row) => row.cost_usd, usd),
  figure('avg-latency', 'Avg latency', (row) => row.avg_latency_ms, duration),
  figure('p95', 'p95', (row) => row.p95_latency_ms, duration),
  tokenColumn(),
];

const rangeConfigurationColumns: Array<Column<RangeConfiguration>> = [
  configurationColumn(),
  figure('runs', 'Runs', (row) => row.runs, (value) => count(value ?? 0)),
  figure('completed', 'Completed', (row) => share(row.completed, row.runs), percent),
  accuracyColumn(),
  figure('avg-cost', 'Avg cost', (row) => row.avg_cost_usd, usd),
  figure('total-cost', 'Total cost', (row) => row.total_cost_usd, usd),
  figure('avg-duration', 'Avg duration', (row) => row.avg_duration_ms, duration),
];

const filteredConfigurationColumns: Array<Column<ConfigurationPerformanceRow>> = [
  configurationColumn(),
  figure('runs', 'Runs', (row) => row.times_used, (value) => count(value ?? 0)),
  figure('success', 'Success', (row) => row.success_rate, percent),
  accuracyColumn(),
  figure('avg-cost', 'Avg cost', (row) => row.avg_cost_usd, usd),
  figure('total-cost', 'Total cost', (row) => row.total_cost_usd, usd),
  figure('avg-duration', 'Avg duration', (row) => row.avg_duration_ms, duration),
];

export const RangeModelTable = ({ rows }: { rows: RangeModel[] }) => (
  <DataTable name="models" rows={rows} columns={rangeModelColumns} rowKey={(row) => `${row.model}-${row.provider}`} />
);

export const FilteredModelTable = ({ rows }: { rows: ModelPerformanceRow[] }) => (
  <DataTable name="models" rows={rows} columns={filteredModelColumns} rowKey={(row) => `${row.model}-${row.provider}-${row.stage}`} />
);

export const RangeConfigurationTable = ({ rows }: { rows: RangeConfiguration[] }) => (
  <DataTable name="configurations" rows={rows} columns={rangeConfigurationColumns} rowKey={(row) => row.configuration_id} />
);

export const FilteredConfigurationTable = ({ rows }: { rows: ConfigurationPerformanceRow[] }) => (
  <DataTable name="configurations" rows={rows} columns={filteredConfigurationColumns} rowKey={(row) => row.configuration_id} />
);
