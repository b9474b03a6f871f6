import { Fragment } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ChartCanvas } from '../components/chart.tsx';
import { ExperimentStatusBadge } from '../components/experiment-status.tsx';
import { Notice } from '../components/notice.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { api, describeError } from '../lib/api.ts';
import { useSession } from '../lib/context.ts';
import { accuracyChart, costChart, latencyChart } from '../lib/experiment-charts.ts';
import { OUTCOME_LABELS, percentRange, points, pValue, range, signedDuration, signedUsd } from '../lib/experiment-format.ts';
import type { Estimate, Experiment, ExperimentRun } from '../lib/experiment-types.ts';
import { count, dateTime, duration, percent, shortId, usd } from '../lib/format.ts';
import { useInterval } from '../lib/use-interval.ts';
import '../experiments.css';

const POLL_MS = 1500;

/** The runs grouped by source item, one cell per arm, in the order the items were given. */
function runsBySource(experiment: Experiment): Array<{ source: string; runs: Array<ExperimentRun | undefined> }> {
  const bySource = new Map<string, Array<ExperimentRun | undefined>>();
  for (const run of experiment.runs) {
    const row = bySource.get(run.source_item_id) ?? experiment.arms.map(() => undefined);
    row[run.arm] = run;
    bySource.set(run.source_item_id, row);
  }
  return [...bySource].map(([source, runs]) => ({ source, runs }));
}

/** A difference on one line and its 95 % interval under it. */
function EstimateCell({ value, format }: { value: Estimate | null; format: (value: number) => string }) {
  return (
    <td class="num">
      {value ? (
        <>
          {format(value.estimate)}
          <div class="muted small">{range(value, format)}</div>
        </>
      ) : (
        '—'
      )}
    </td>
  );
}

/** One experiment: progress while it runs, the verdict, per-arm charts and numbers, the paired tests, every run. */
export function ExperimentPage({ id }: { id: string }) {
  const { status: server } = useSession();
  const [experiment, setExperiment] = useState<Experiment>();
  const [error, setError] = useState<string>();
  const [cancelling, setCancelling] = useState(false);

  const load = () =>
    api<Experiment>('GET', `/experiments/${id}`)
      .then((answer) => {
        setExperiment(answer);
        setError(undefined);
      })
      .catch((failure: unknown) => setError(describeError(failure)));
  useEffect(() => {
    setExperiment(undefined);
    void load();
  }, [id]);
  const running = experiment?.status === 'running';
  useInterval(() => void load(), POLL_MS, running);

  // Charts redraw only when their numbers change, not on every poll that brings the same ones.
  const armsKey = experiment && JSON.stringify(experiment.arms);
  const charts = useMemo(() => experiment && { accuracy: accuracyChart(experiment), cost: costChart(experiment), latency: latencyChart(experiment) }, [armsKey]);
  const grid = useMemo(() => experiment && runsBySource(experiment), [experiment]);

  async function cancel() {
    setCancelling(true);
    try {
      await api('POST', `/experiments/${id}/cancel`);
      await load();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setCancelling(false);
    }
  }

  if (!experiment) {
    return (
      <div class="page">
        <a class="back" href="#/experiments">
          ← Experiments
        </a>
        {error ? <Notice kind="error">{error}</Notice> : <p class="muted">Loading…</p>}
      </div>
    );
  }

  const nameOf = (arm: number | null) => (arm === null ? undefined : experiment.arms[arm]?.name);
  const { progress, verdict } = experiment;
  const winner = nameOf(verdict.winner_arm);
  const anyAccuracy = experiment.arms.some((arm) => arm.accuracy !== null);
  const anyCost = experiment.arms.some((arm) => arm.cost_usd_per_item !== null);
  const anyLatency = experiment.arms.some((arm) => arm.latency_ms_p50 !== null);

  return (
    <div class="page">
      <a class="back" href="#/experiments">
        ← Experiments
      </a>
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
        {running && (
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
          <strong>{running ? 'Running' : 'Finished'}</strong>
          <span class="muted" data-progress>
            {count(progress.finished)} of {count(progress.runs)} runs finished
            {progress.running_or_pending > 0 && ` · ${count(progress.running_or_pending)} running or waiting`} · {usd(progress.spent_usd)} spent
            {experiment.max_cost_usd !== null && ` of ${usd(experiment.max_cost_usd)}`}
          </span>
        </div>
        <progress max={Math.max(progress.runs, 1)} value={progress.finished} aria-label="Experiment progress" />
      </div>

      <section class={`card verdict verdict-${verdict.final ? 'final' : 'provisional'} verdict-${verdict.outcome}`} aria-labelledby="verdict-title" data-verdict>
        <div class="card-header">
          <h2 id="verdict-title">
            Verdict
            {verdict.final ? <span class="tag">final</span> : <span class="tag tag-warn">provisional</span>}
            {server.simulated && <span class="tag tag-warn">simulated</span>}
          </h2>
          <span class="verdict-outcome">
            {OUTCOME_LABELS[verdict.outcome]}
            {winner && (
              <>
                {' · '}
                <strong>{winner}</strong> wins
              </>
            )}
          </span>
        </div>
        <p class="verdict-summary">{verdict.summary}</p>
        {server.simulated && <p class="muted small">Providers are simulated: these results describe the simulator, not the real models.</p>}
      </section>

      {charts && (
        <div class="grid-3">
          <section class="card" aria-labelledby="accuracy-title">
            <h2 id="accuracy-title">Accuracy per configuration</h2>
            {anyAccuracy ? (
              <ChartCanvas config={charts.accuracy} label="Bar chart of mean field accuracy and exact-match rate per configuration, with 95 % confidence intervals as whiskers" />
            ) : (
              <p class="muted">No labelled run has completed yet.</p>
            )}
            <p class="muted small">Whiskers: 95 % intervals (bootstrap for mean field accuracy, Wilson for every-field-right).</p>
          </section>
          <section class="card" aria-labelledby="cost-title">
            <h2 id="cost-title">Cost per item</h2>
            {anyCost ? (
              <>
                <ChartCanvas config={charts.cost} label="Bar chart of cost per item per configuration" />
                <p class="muted small">{experiment.arms.map((arm) => `${arm.name}: ${usd(arm.cost_usd_per_item)}`).join(' · ')} per item.</p>
              </>
            ) : (
              <p class="muted">No run has finished yet.</p>
            )}
          </section>
          <section class="card" aria-labelledby="latency-title">
            <h2 id="latency-title">Run duration</h2>
            {anyLatency ? (
              <ChartCanvas config={charts.latency} label="Bar chart of median and 95th percentile run duration per configuration" />
            ) : (
              <p class="muted">No run has completed yet.</p>
            )}
          </section>
        </div>
      )}

      <section class="card" aria-labelledby="arms-title">
        <h2 id="arms-title">Per configuration</h2>
        <div class="table-wrap">
          <table class="table" data-table="arms">
            <thead>
              <tr>
                <th scope="col">Configuration</th>
                <th scope="col" class="num">
                  Completed
                </th>
                <th scope="col" class="num">
                  Success rate
                </th>
                <th scope="col" class="num">
                  Field accuracy
                </th>
                <th scope="col" class="num">
                  All fields right
                </th>
                <th scope="col" class="num">
                  Cost per item
                </th>
                <th scope="col" class="num">
                  Cost total
                </th>
                <th scope="col" class="num">
                  p50
                </th>
                <th scope="col" class="num">
                  p95
                </th>
              </tr>
            </thead>
            <tbody>
              {experiment.arms.map((arm) => (
                <tr key={arm.arm} data-arm={arm.arm}>
                  <th scope="row">
                    {arm.name}
                    {arm.arm === 0 && <span class="tag tag-muted">control</span>}
                    {verdict.winner_arm === arm.arm && <span class="tag">winner</span>}
                  </th>
                  <td class="num">
                    {count(arm.completed)} of {count(arm.runs)}
                    {arm.failed > 0 && <div class="bad small">{count(arm.failed)} failed</div>}
                    {arm.cancelled > 0 && <div class="muted small">{count(arm.cancelled)} cancelled</div>}
                  </td>
                  <td class="num">
                    {percent(arm.success_rate)}
                    {arm.success_rate_ci && <div class="muted small">{percentRange(arm.success_rate_ci)}</div>}
                  </td>
                  <td class="num">
                    {percent(arm.accuracy)}
                    {arm.accuracy_ci && <div class="muted small">{percentRange(arm.accuracy_ci)}</div>}
                  </td>
                  <td class="num">
                    {percent(arm.exact_match_rate)}
                    {arm.exact_match_ci && <div class="muted small">{percentRange(arm.exact_match_ci)}</div>}
                  </td>
                  <td class="num">{usd(arm.cost_usd_per_item)}</td>
                  <td class="num">{usd(arm.cost_usd_total)}</td>
                  <td class="num">{duration(arm.latency_ms_p50)}</td>
                  <td class="num">{duration(arm.latency_ms_p95)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p class="muted small">Under each rate, its 95 % interval. Accuracy counts labelled completed runs only; durations are of completed runs.</p>
      </section>

      <section class="card" aria-labelledby="comparisons-title">
        <h2 id="comparisons-title">Compared with the control</h2>
        <p class="muted small">
          Paired on the same documents. Each difference is challenger minus control, with its paired-bootstrap 95 % interval under it. Discordant pairs are the
          items fully right under only one side, which the McNemar exact test weighs{experiment.comparisons.length > 1 ? ' (p adjusted by Holm for the several comparisons)' : ''}.
        </p>
        <div class="table-wrap">
          <table class="table" data-table="comparisons">
            <thead>
              <tr>
                <th scope="col">Challenger</th>
                <th scope="col" class="num">
                  Pairs
                </th>
                <th scope="col" class="num">
                  Field accuracy
                </th>
                <th scope="col" class="num">
                  Discordant pairs
                </th>
                <th scope="col" class="num">
                  McNemar p
                </th>
                <th scope="col" class="num">
                  Cost per item
                </th>
                <th scope="col" class="num">
                  Median duration
                </th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {experiment.comparisons.map((comparison) => (
                <Fragment key={comparison.arm}>
                  <tr data-comparison={comparison.arm}>
                    <th scope="row">
                      {nameOf(comparison.arm)}
                      <div class="muted small">vs {nameOf(comparison.control_arm)}</div>
                    </th>
                    <td class="num">{count(comparison.pairs)}</td>
                    <EstimateCell value={comparison.accuracy_difference} format={points} />
                    <td class="num">
                      {comparison.mcnemar ? (
                        <>
                          {comparison.mcnemar.control_only_correct} / {comparison.mcnemar.arm_only_correct}
                          <div class="muted small">control / challenger</div>
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td class="num">
                      {comparison.mcnemar ? (
                        <>
                          {pValue(comparison.mcnemar.p_value_adjusted)}
                          <div class="muted small">
                            {experiment.comparisons.length > 1 ? `Holm-adjusted · raw ${pValue(comparison.mcnemar.p_value)}` : 'exact, two-sided'}
                          </div>
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                    <EstimateCell value={comparison.cost_difference_per_item} format={signedUsd} />
                    <EstimateCell value={comparison.latency_p50_difference_ms} format={signedDuration} />
                    <td>
                      <span class={`outcome outcome-${comparison.outcome}`}>{OUTCOME_LABELS[comparison.outcome]}</span>
                      {comparison.winner_arm !== null && <div class="small">winner: {nameOf(comparison.winner_arm)}</div>}
                    </td>
                  </tr>
                  {experiment.comparisons.length > 1 && (
                    <tr class="comparison-summary">
                      <td colSpan={8} class="muted small">
                        <div class="row-note">{comparison.summary}</div>
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section class="card" aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        <p class="muted small">One row per source document; each cell opens that configuration’s copy of it.</p>
        <div class="table-wrap">
          <table class="table compact" data-table="runs">
            <thead>
              <tr>
                <th scope="col">Document</th>
                {experiment.arms.map((arm) => (
                  <th key={arm.arm} scope="col">
                    {arm.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {grid?.map((row) => (
                <tr key={row.source} data-source={row.source}>
                  <th scope="row">
                    <a class="mono" href={`#/items/${row.source}`}>
                      {shortId(row.source)}
                    </a>
                  </th>
                  {row.runs.map((run, arm) => (
                    <td key={arm}>
                      {run ? (
                        <a class="run-cell" href={`#/items/${run.item_id}`} aria-label={`${experiment.arms[arm]?.name ?? `arm ${arm}`} run of ${shortId(row.source)}: ${run.status}`}>
                          <StatusBadge status={run.status} />
                          <span class="num">{percent(run.accuracy, 0)}</span>
                          <span class="muted small num">{usd(run.cost_usd)}</span>
                        </a>
                      ) : (
                        '—'
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
