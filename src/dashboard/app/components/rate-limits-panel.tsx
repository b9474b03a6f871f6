import { ProviderRateLimitsSchema, type ProviderRateLimit } from '../../../contract/rate-limits.ts';
import { count, dateTime, tokens } from '../lib/format.ts';
import { useApi } from '../lib/use-api.ts';
import { DataTable, type Column } from './data-table.tsx';
import { Notice } from './notice.tsx';

/** A limit in force beside the configured one, when a 429 has taught a lower one. */
function limit(configured: number | null, effective: number | null, format: (value: number) => string) {
  if (effective === null) return <span class="muted">none</span>;
  const shown = format(Math.round(effective));
  return configured !== null && effective < configured ? (
    <span title={`configured ${format(configured)}; lowered after a 429, recovering`}>
      {shown} <span class="muted small">of {format(configured)}</span>
    </span>
  ) : (
    shown
  );
}

const columns: Array<Column<ProviderRateLimit>> = [
  { key: 'provider', header: 'Provider', rowHeader: true, cell: (row) => row.provider },
  { key: 'model', header: 'Model', className: 'mono', cell: (row) => row.model ?? <span class="muted">all models</span> },
  { key: 'waiting', header: 'Waiting', numeric: true, cell: (row) => count(row.waiting), title: () => 'calls waiting for capacity' },
  { key: 'calls', header: 'Calls / min', numeric: true, cell: (row) => count(row.calls_last_minute) },
  { key: 'rpm', header: 'Limit / min', numeric: true, cell: (row) => limit(row.rpm, row.effective_rpm, count) },
  { key: 'tokens', header: 'Tokens / min', numeric: true, hideNarrow: true, cell: (row) => tokens(row.tokens_last_minute) },
  { key: 'tpm', header: 'Token limit', numeric: true, hideNarrow: true, cell: (row) => limit(row.tpm, row.effective_tpm, tokens) },
  {
    key: 'refused',
    header: '429s / min',
    numeric: true,
    cell: (row) => (row.rate_limited_last_minute > 0 ? <strong>{count(row.rate_limited_last_minute)}</strong> : '0'),
  },
  { key: 'paused', header: 'Paused until', hideNarrow: true, className: 'nowrap muted small', cell: (row) => (row.paused_until ? dateTime(row.paused_until) : '') },
];

/**
 * Per provider and model: the calls waiting for capacity, the last minute's rate and the limit in
 * force (`GET /rate-limits`), refreshed every few seconds, so an operator sees a backlog run at the
 * allowed rate — or a provider pushing back.
 */
export function RateLimitsPanel() {
  const { data, error } = useApi('/rate-limits', ProviderRateLimitsSchema, { pollMs: 5000, poll: true });
  return (
    <section class="card" aria-labelledby="rate-limits-title">
      <h2 id="rate-limits-title">Provider rate limits</h2>
      {error && <Notice kind="error">{error}</Notice>}
      {data && data.limits.length === 0 && <p class="muted">No rate limits configured (QUARRY_RATE_LIMITS) and no provider calls in the last minute.</p>}
      {data && data.limits.length > 0 && <DataTable name="rate-limits" compact rows={data.limits} columns={columns} rowKey={(row) => row.bucket} />}
    </section>
  );
}
