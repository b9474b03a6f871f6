import { useEffect, useState } from 'preact/hooks';
import { ExperimentStatusBadge } from '../components/experiment-status.tsx';
import { NewExperimentForm } from '../components/new-experiment-form.tsx';
import { Notice } from '../components/notice.tsx';
import { api, describeError } from '../lib/api.ts';
import type { ExperimentListEntry } from '../lib/experiment-types.ts';
import { count, dateTime, relativeTime } from '../lib/format.ts';
import { useInterval } from '../lib/use-interval.ts';
import '../experiments.css';

const POLL_MS = 3000;

/** A/B experiments: the list, newest first, and the form that starts one. */
export function ExperimentsPage() {
  const [experiments, setExperiments] = useState<ExperimentListEntry[]>();
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string>();

  const load = () =>
    api<ExperimentListEntry[]>('GET', '/experiments')
      .then((rows) => {
        setExperiments(rows);
        setError(undefined);
      })
      .catch((failure: unknown) => setError(describeError(failure)));
  useEffect(() => void load(), []);
  useInterval(() => void load(), POLL_MS, Boolean(experiments?.some((row) => row.status === 'running')));

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
          <div class="table-wrap">
            <table class="table" data-table="experiments">
              <thead>
                <tr>
                  <th scope="col">Experiment</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="hide-narrow">
                    Configurations
                  </th>
                  <th scope="col" class="num">
                    Items
                  </th>
                  <th scope="col" class="hide-narrow">
                    Started
                  </th>
                  <th scope="col" class="hide-narrow">
                    Finished
                  </th>
                </tr>
              </thead>
              <tbody>
                {experiments.map((row) => (
                  <tr key={row.id} data-experiment={row.id}>
                    <th scope="row">
                      <a class="doc-link" href={`#/experiments/${row.id}`}>
                        {row.name}
                      </a>
                    </th>
                    <td>
                      <ExperimentStatusBadge status={row.status} />
                    </td>
                    <td class="hide-narrow">
                      {row.configurations.map((name, index) => (
                        <span key={index} class="experiment-arm-name">
                          {name}
                          {index === 0 && <span class="tag tag-muted">control</span>}
                        </span>
                      ))}
                    </td>
                    <td class="num">{count(row.items)}</td>
                    <td class="nowrap muted small hide-narrow" title={dateTime(row.created_at)}>
                      {relativeTime(row.created_at)}
                    </td>
                    <td class="nowrap muted small hide-narrow">{row.finished_at ? dateTime(row.finished_at) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
