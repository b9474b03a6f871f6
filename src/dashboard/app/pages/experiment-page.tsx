import { useState } from 'preact/hooks';
import { ExperimentCancellingSchema, ExperimentSchema } from '../../../contract/experiments.ts';
import { BackLink, PendingPage } from '../components/back-link.tsx';
import { ExperimentChartsGrid } from '../components/experiment-charts-grid.tsx';
import { ExperimentStatusBadge } from '../components/experiment-status.tsx';
import { ArmsTable, ComparisonsTable, RunsTable } from '../components/experiment-tables.tsx';
import { ExperimentVerdict } from '../components/experiment-verdict.tsx';
import { Notice } from '../components/notice.tsx';
import { PathAccuracyTable } from '../components/path-accuracy-table.tsx';
import { api, describeError } from '../lib/api.ts';
import { useSession } from '../lib/context.ts';
import { count, dateTime, usd } from '../lib/format.ts';
import { useApi } from '../lib/use-api.ts';
import '../experiments.css';

const POLL_MS = 1500;

/** One experiment: progress while it runs, the verdict, per-arm charts and numbers, the paired tests, every run. */
export function ExperimentPage({ id }: { id: string }) {
  const { status: server } = useSession();
  const { data: experiment, error: loadError, reload } = useApi(`/experiments/${id}`, ExperimentSchema, {
    pollMs: POLL_MS,
    poll: (shown) => shown?.status === 'running',
  });
  const [actionError, setActionError] = useState<string>();
  const [cancelling, setCancelling] = useState(false);

  async function cancel() {
    setCancelling(true);
    try {
      await api('POST', `/experiments/${id}/cancel`, ExperimentCancellingSchema);
      await reload();
    } catch (failure) {
      setActionError(describeError(failure));
    } finally {
      setCancelling(false);
    }
  }

  if (!experiment) return <PendingPage href="#/experiments" label="Experiments" error={loadError} />;
  const error = actionError ?? loadError;
  const { progress } = experiment;
  const live = experiment.status === 'running';

  return (
    <div class="page">
      <BackLink href="#/experiments" label="Experiments" />
      <header class="page-header">
        <div>
          <h1 class="item-title">
            {experiment.name} <ExperimentStatusBadge status={experiment.status} />
            {server.simulated && (
              <span class="tag tag-warn" title="Providers are simulated: accuracy, latency and cost come from the simulator, not real models.">
                Simulated
              </span>
            )}
          </h1>
          <p class="muted">
            {experiment.arms.length} configurations × {count(experiment.items)} items · concurrency {experiment.concurrency}
            {experiment.max_cost_usd !== null && ` · budget ${usd(experiment.max_cost_usd)}`} · started {dateTime(experiment.created_at)}
            {experiment.finished_at && ` · finished ${dateTime(experiment.finished_at)}`}
          </p>
        </div>
        {live && (
          <div class="header-actions">
            <button type="button" class="button-danger" disabled={cancelling} onClick={() => void cancel()}>
              {cancelling ? 'Cancelling…' : 'Cancel experiment'}
            </button>
          </div>
        )}
      </header>
      {error && <Notice kind="error">{error}</Notice>}
      {experiment.error && (
        <Notice kind="error">
          The experiment failed: <span class="error-text">{experiment.error}</span>
        </Notice>
      )}

      <div class="batch" role="status" aria-live="polite">
        <div class="batch-head">
          <strong>{live ? 'Running' : 'Finished'}</strong>
          <span class="muted" data-progress>
            {count(progress.finished)} of {count(progress.runs)} runs finished
            {progress.running_or_pending > 0 && ` · ${count(progress.running_or_pending)} running or waiting`} · {usd(progress.spent_usd)} spent
            {experiment.max_cost_usd !== null && ` of ${usd(experiment.max_cost_usd)}`}
          </span>
        </div>
        <progress max={Math.max(progress.runs, 1)} value={progress.finished} aria-label="Experiment progress" />
      </div>

      <ExperimentVerdict experiment={experiment} simulated={server.simulated} />
      <ExperimentChartsGrid experiment={experiment} />

      <section class="card" aria-labelledby="arms-title">
        <h2 id="arms-title">Per configuration</h2>
        <ArmsTable experiment={experiment} />
        <p class="muted small">Under each rate, its 95 % interval. Accuracy counts labelled completed runs only; durations are of completed runs.</p>
      </section>

      <section class="card" aria-labelledby="comparisons-title">
        <h2 id="comparisons-title">Compared with the control</h2>
        <p class="muted small">
          Paired on the same documents. Each difference is challenger minus control, with its paired-bootstrap 95 % interval under it. Discordant pairs are the
          items fully right under only one side, which the McNemar exact test weighs{experiment.comparisons.length > 1 ? ' (p adjusted by Holm for the several comparisons)' : ''}.
        </p>
        <ComparisonsTable experiment={experiment} />
      </section>

      <section class="card" aria-labelledby="paths-title">
        <h2 id="paths-title">Accuracy per field path</h2>
        <p class="muted small">Per configuration, the labelled values of its completed runs, least accurate first.</p>
        <PathAccuracyTable query={`experiment_id=${experiment.id}`} />
      </section>

      <section class="card" aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        <p class="muted small">One row per source document; each cell opens that configuration’s copy of it.</p>
        <RunsTable experiment={experiment} />
      </section>
    </div>
  );
}
