import { useState } from 'preact/hooks';
import { ExperimentListSchema, type ExperimentListEntry } from '../../../contract/experiments.ts';
import { DataTable, type Column } from '../components/data-table.tsx';
import { ExperimentStatusBadge } from '../components/experiment-status.tsx';
import { NewExperimentForm } from '../components/new-experiment-form.tsx';
import { Notice } from '../components/notice.tsx';
import { count, dateTime, relativeTime } from '../lib/format.ts';
import { useApi } from '../lib/use-api.ts';
import '../experiments.css';

const POLL_MS = 3000;

const columns: Array<Column<ExperimentListEntry>> = [
  {
    key: 'name',
    header: 'Experiment',
    rowHeader: true,
    cell: (row) => (
      <a class="doc-link" href={`#/experiments/${row.id}`}>
        {row.name}
      </a>
    ),
  },
  { key: 'status', header: 'Status', cell: (row) => <ExperimentStatusBadge status={row.status} /> },
  {
    key: 'configurations',
    header: 'Configurations',
    hideNarrow: true,
    cell: (row) =>
      row.configurations.map((name, index) => (
        <span key={index} class="experiment-arm-name">
          {name}
          {index === 0 && <span class="tag tag-muted">control</span>}
        </span>
      )),
  },
  { key: 'items', header: 'Items', numeric: true, cell: (row) => count(row.items) },
  { key: 'started', header: 'Started', hideNarrow: true, cellClass: 'nowrap muted small', title: (row) => dateTime(row.created_at), cell: (row) => relativeTime(row.created_at) },
  { key: 'finished', header: 'Finished', hideNarrow: true, cellClass: 'nowrap muted small', cell: (row) => (row.finished_at ? dateTime(row.finished_at) : '—') },
];

/** A/B experiments: the list, newest first, and the form that starts one. */
export function ExperimentsPage() {
  const [creating, setCreating] = useState(false);
  const { data: experiments, error } = useApi('/experiments', ExperimentListSchema, {
    pollMs: POLL_MS,
    poll: (rows) => Boolean(rows?.some((row) => row.status === 'running')),
  });

  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>Experiments</h1>
          <p class="muted">Run the same labelled documents under several configurations and compare accuracy, cost and latency with confidence intervals.</p>
        </div>
        <div class="header-actions">
          <button type="button" class={creating ? 'button-secondary' : 'button-primary'} aria-expanded={creating} onClick={() => setCreating(!creating)}>
            {creating ? 'Hide the form' : 'New experiment'}
          </button>
        </div>
      </header>

      {creating && (
        <NewExperimentForm
          onStarted={(id) => {
            location.hash = `#/experiments/${id}`;
          }}
          onCancel={() => setCreating(false)}
        />
      )}
      {error && <Notice kind="error">{error}</Notice>}

      <section class="card" aria-labelledby="experiments-title">
        <h2 id="experiments-title" class="sr-only">
          Experiments
        </h2>
        {experiments === undefined ? (
          !error && <p class="muted">Loading…</p>
        ) : experiments.length === 0 ? (
          <div class="empty">
            <p>No experiment yet.</p>
            <p class="muted">Save two or more configurations, add labelled documents to the queue, then start one with “New experiment”.</p>
          </div>
        ) : (
          <DataTable name="experiments" rows={experiments} columns={columns} rowKey={(row) => row.id} rowProps={(row) => ({ 'data-experiment': row.id })} />
        )}
      </section>
    </div>
  );
}
