import type { ComponentChildren } from 'preact';
import type { ArmSummary, Comparison, Estimate, Experiment, ExperimentRun, Interval } from '../../../contract/experiments.ts';
import { OUTCOME_LABELS, percentRange, points, pValue, range, signedDuration, signedUsd } from '../lib/experiment-format.ts';
import { count, duration, percent, shortId, usd } from '../lib/format.ts';
import { DataTable, type Column } from './data-table.tsx';
import { StatusBadge } from './status-badge.tsx';

/*
 * An experiment's three tables: per configuration (arm), each challenger against the control, and
 * every run laid out by source document.
 */

/** A value on one line and a muted second line under it (its interval, what it counts). */
const Stacked = ({ value, under }: { value: ComponentChildren; under?: ComponentChildren }) => (
  <>
    {value}
    {under && <div class="muted small">{under}</div>}
  </>
);

/** A share with its 95 % interval under it. */
const rateColumn = (key: string, header: string, value: (arm: ArmSummary) => number | null, ci: (arm: ArmSummary) => Interval | null): Column<ArmSummary> => ({
  key,
  header,
  numeric: true,
  cell: (arm) => <Stacked value={percent(value(arm))} under={ci(arm) && percentRange(ci(arm))} />,
});

/** A difference with its 95 % interval under it. */
const estimateColumn = (key: string, header: string, value: (row: Comparison) => Estimate | null, format: (value: number) => string): Column<Comparison> => ({
  key,
  header,
  numeric: true,
  cell: (row) => {
    const estimate = value(row);
    return estimate ? <Stacked value={format(estimate.estimate)} under={range(estimate, format)} /> : '—';
  },
});

export function ArmsTable({ experiment }: { experiment: Experiment }) {
  const columns: Array<Column<ArmSummary>> = [
    {
      key: 'name',
      header: 'Configuration',
      rowHeader: true,
      cell: (arm) => (
        <>
          {arm.name}
          {arm.arm === 0 && <span class="tag tag-muted">control</span>}
          {experiment.verdict.winner_arm === arm.arm && <span class="tag">winner</span>}
        </>
      ),
    },
    {
      key: 'completed',
      header: 'Completed',
      numeric: true,
      cell: (arm) => (
        <>
          {count(arm.completed)} of {count(arm.runs)}
          {arm.failed > 0 && <div class="bad small">{count(arm.failed)} failed</div>}
          {arm.cancelled > 0 && <div class="muted small">{count(arm.cancelled)} cancelled</div>}
        </>
      ),
    },
    rateColumn('success', 'Success rate', (arm) => arm.success_rate, (arm) => arm.success_rate_ci),
    rateColumn('accuracy', 'Field accuracy', (arm) => arm.accuracy, (arm) => arm.accuracy_ci),
    rateColumn('exact', 'All fields right', (arm) => arm.exact_match_rate, (arm) => arm.exact_match_ci),
    { key: 'cost', header: 'Cost per item', numeric: true, cell: (arm) => usd(arm.cost_usd_per_item) },
    { key: 'total', header: 'Cost total', numeric: true, cell: (arm) => usd(arm.cost_usd_total) },
    { key: 'p50', header: 'p50', numeric: true, cell: (arm) => duration(arm.latency_ms_p50) },
    { key: 'p95', header: 'p95', numeric: true, cell: (arm) => duration(arm.latency_ms_p95) },
  ];
  return <DataTable name="arms" rows={experiment.arms} columns={columns} rowKey={(arm) => arm.arm} rowProps={(arm) => ({ 'data-arm': arm.arm })} />;
}

export function ComparisonsTable({ experiment }: { experiment: Experiment }) {
  const nameOf = (arm: number | null) => (arm === null ? undefined : experiment.arms[arm]?.name);
  const several = experiment.comparisons.length > 1;
  const columns: Array<Column<Comparison>> = [
    { key: 'challenger', header: 'Challenger', rowHeader: true, cell: (row) => <Stacked value={nameOf(row.arm)} under={`vs ${nameOf(row.control_arm)}`} /> },
    { key: 'pairs', header: 'Pairs', numeric: true, cell: (row) => count(row.pairs) },
    estimateColumn('accuracy', 'Field accuracy', (row) => row.accuracy_difference, points),
    {
      key: 'discordant',
      header: 'Discordant pairs',
      numeric: true,
      cell: (row) => (row.mcnemar ? <Stacked value={`${row.mcnemar.control_only_correct} / ${row.mcnemar.arm_only_correct}`} under="control / challenger" /> : '—'),
    },
    {
      key: 'p',
      header: 'McNemar p',
      numeric: true,
      cell: (row) =>
        row.mcnemar ? (
          <Stacked value={pValue(row.mcnemar.p_value_adjusted)} under={several ? `Holm-adjusted · raw ${pValue(row.mcnemar.p_value)}` : 'exact, two-sided'} />
        ) : (
          '—'
        ),
    },
    estimateColumn('cost', 'Cost per item', (row) => row.cost_difference_per_item, signedUsd),
    estimateColumn('latency', 'Median duration', (row) => row.latency_p50_difference_ms, signedDuration),
    {
      key: 'outcome',
      header: 'Outcome',
      cell: (row) => (
        <>
          <span class={`outcome outcome-${row.outcome}`}>{OUTCOME_LABELS[row.outcome]}</span>
          {row.winner_arm !== null && <div class="small">winner: {nameOf(row.winner_arm)}</div>}
        </>
      ),
    },
  ];
  return (
    <DataTable
      name="comparisons"
      rows={experiment.comparisons}
      columns={columns}
      rowKey={(row) => row.arm}
      rowProps={(row) => ({ 'data-comparison': row.arm })}
      after={(row) =>
        several && (
          <tr class="comparison-summary">
            <td colSpan={columns.length} class="muted small">
              <div class="row-note">{row.summary}</div>
            </td>
          </tr>
        )
      }
    />
  );
}

/** One row per source document, one cell per arm: each opens that configuration's copy of it. */
export function RunsTable({ experiment }: { experiment: Experiment }) {
  const bySource = new Map<string, Array<ExperimentRun | undefined>>();
  for (const run of experiment.runs) {
    const row = bySource.get(run.source_item_id) ?? experiment.arms.map(() => undefined);
    row[run.arm] = run;
    bySource.set(run.source_item_id, row);
  }
  const rows = [...bySource].map(([source, runs]) => ({ source, runs }));
  const columns: Array<Column<(typeof rows)[number]>> = [
    {
      key: 'document',
      header: 'Document',
      rowHeader: true,
      cell: (row) => (
        <a class="mono" href={`#/items/${row.source}`}>
          {shortId(row.source)}
        </a>
      ),
    },
    ...experiment.arms.map(
      (arm): Column<(typeof rows)[number]> => ({
        key: `arm-${arm.arm}`,
        header: arm.name,
        cell: (row) => {
          const run = row.runs[arm.arm];
          if (!run) return '—';
          return (
            <a class="run-cell" href={`#/items/${run.item_id}`} aria-label={`${arm.name} run of ${shortId(row.source)}: ${run.status}`}>
              <StatusBadge status={run.status} />
              <span class="num">{percent(run.accuracy, 0)}</span>
              <span class="muted small num">{usd(run.cost_usd)}</span>
            </a>
          );
        },
      }),
    ),
  ];
  return <DataTable name="runs" compact rows={rows} columns={columns} rowKey={(row) => row.source} rowProps={(row) => ({ 'data-source': row.source })} />;
}
