import type { CallRecord } from '../../../contract/item-detail.ts';
import { count, duration, usd } from '../lib/format.ts';
import { DataTable, type Column } from './data-table.tsx';
import { figure } from './table-columns.tsx';

const columns: Array<Column<CallRecord>> = [
  { key: 'stage', header: 'Stage', cell: (call) => call.stage },
  {
    key: 'model',
    header: 'Model',
    cell: (call) => (
      <>
        <span class="mono">{call.model}</span> <span class={`provider provider-${call.provider}`}>{call.provider}</span>
      </>
    ),
  },
  figure('attempt', 'Attempt', (call) => call.attempt, (value) => value),
  { key: 'outcome', header: 'Outcome', cell: (call) => (call.success ? <span class="ok">ok</span> : <span class="bad" title={call.error ?? ''}>{call.error ?? 'failed'}</span>) },
  figure('in', 'Tokens in', (call) => call.input_tokens, (value) => count(value ?? 0)),
  figure('cached', 'Cached in', (call) => call.cached_input_tokens, (value) => count(value ?? 0)),
  figure('out', 'Tokens out', (call) => call.output_tokens, (value) => count(value ?? 0)),
  figure('reasoning', 'Reasoning', (call) => call.reasoning_tokens, (value) => count(value ?? 0)),
  figure('latency', 'Latency', (call) => call.response_time_ms, duration),
  figure('cost', 'Cost', (call) => call.cost_usd, usd),
];

/** Every provider call attempt of the run, as the usage ledger recorded it. */
export function CallsTable({ calls }: { calls: CallRecord[] }) {
  if (calls.length === 0) return <p class="muted">No provider call yet.</p>;
  return <DataTable compact rows={calls} columns={columns} rowKey={(_call, index) => index} />;
}
