import type { Candidate, FailureRate } from '../../../contract/analytics.ts';
import type { Estimate } from '../../../contract/experiments.ts';
import { DECISION_LABELS, points, range, signedDuration, signedUsd } from '../lib/experiment-format.ts';
import { count, duration, percent, usd } from '../lib/format.ts';
import { DataTable, type Column } from './data-table.tsx';

const failure = (rate: FailureRate | null) => (rate ? `${percent(rate.rate)} of ${count(rate.calls)}` : '—');
/** Savings in cents once they reach a cent: "$0.20", not "$0.2". */
export const money = (value: number) => (Math.abs(value) >= 0.01 ? `$${value.toFixed(2)}` : usd(value));

/** `current → candidate` with the difference and its 95 % interval under it, one short line each. */
function sides<T>(key: string, header: string, current: (c: Candidate) => T | null, candidate: (c: Candidate) => T | null, format: (value: T | null) => string, difference: (c: Candidate) => Estimate | null, differenceFormat: (value: number) => string): Column<Candidate> {
  return {
    key,
    header,
    numeric: true,
    cell: (row) => {
      const [now, then, change] = [current(row), candidate(row), difference(row)];
      return (
        <>
          {now === null && then === null ? '—' : `${format(now)} → ${format(then)}`}
          {change && (
            <>
              <div class="muted small">{differenceFormat(change.estimate)}</div>
              <div class="muted small">{range(change, differenceFormat)}</div>
            </>
          )}
        </>
      );
    },
  };
}

const columns: Array<Column<Candidate>> = [
  {
    key: 'model',
    header: 'Candidate',
    rowHeader: true,
    cell: (row) => (
      <>
        <span class="mono">{row.model}</span>
        <div>
          <span class={`decision decision-${row.decision}`}>{DECISION_LABELS[row.decision]}</span>
        </div>
      </>
    ),
  },
  { key: 'pairs', header: 'Pairs', numeric: true, cell: (row) => count(row.evidence.pairs) },
  sides('accuracy', 'Accuracy (now → candidate)', (row) => row.evidence.accuracy_current, (row) => row.evidence.accuracy_candidate, (value) => percent(value), (row) => row.evidence.accuracy_difference, points),
  sides('cost', 'Cost per item', (row) => row.evidence.cost_per_item_current, (row) => row.evidence.cost_per_item_candidate, usd, (row) => row.evidence.cost_difference_per_item, signedUsd),
  sides('latency', 'Latency', (row) => row.evidence.latency_ms_current, (row) => row.evidence.latency_ms_candidate, duration, (row) => row.evidence.latency_difference_ms, signedDuration),
  {
    key: 'failures',
    header: 'Failure rate (calls)',
    numeric: true,
    cell: (row) => (
      <>
        {failure(row.evidence.failure_rate_current)}
        {row.evidence.failure_rate_candidate && <div class="muted small">→ {failure(row.evidence.failure_rate_candidate)}</div>}
      </>
    ),
  },
  {
    key: 'saving',
    header: 'Saving / 30 days',
    numeric: true,
    cell: ({ projected_saving: saving }) =>
      saving ? (
        <>
          <strong class="ok">{money(saving.usd_per_30_days)}</strong>
          <div class="muted small">{range(saving.usd_per_30_days_ci, money)}</div>
          <div class="muted small">{usd(saving.per_item_usd)} per item</div>
        </>
      ) : (
        '—'
      ),
  },
];

/** Every cheaper model that served a stage, judged on paired labelled evidence, with the reason under it. */
export function CandidatesTable({ candidates }: { candidates: Candidate[] }) {
  return (
    <DataTable
      name="candidates"
      rows={candidates}
      columns={columns}
      rowKey={(row) => row.model}
      rowProps={(row) => ({ class: `candidate candidate-${row.decision}`, 'data-candidate': row.model, 'data-decision': row.decision })}
      after={(row) => (
        <tr class={`candidate-reason candidate-${row.decision}`}>
          <td colSpan={columns.length}>
            <div class="row-note">{row.reason}</div>
          </td>
        </tr>
      )}
    />
  );
}
