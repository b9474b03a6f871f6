import { useEffect, useState } from 'preact/hooks';
import { Notice } from '../components/notice.tsx';
import { StatCard } from '../components/stat-card.tsx';
import { api, describeError } from '../lib/api.ts';
import { useSession } from '../lib/context.ts';
import { DECISION_LABELS, points, range, signedDuration, signedUsd } from '../lib/experiment-format.ts';
import type { Candidate, Estimate, FailureRate, Recommendations } from '../lib/experiment-types.ts';
import { count, dateTime, duration, percent, usd } from '../lib/format.ts';
import '../experiments.css';

const WINDOWS = [7, 30, 90, 365] as const;

const failure = (rate: FailureRate | null) => (rate ? `${percent(rate.rate)} of ${count(rate.calls)}` : '—');
/** Savings in cents once they reach a cent: "$0.20", not "$0.2". */
const money = (value: number) => (Math.abs(value) >= 0.01 ? `$${value.toFixed(2)}` : usd(value));

/** `current → candidate`, or a dash when neither side has a value. */
function Sides<T>({ current, candidate, format }: { current: T | null; candidate: T | null; format: (value: T | null) => string }) {
  if (current === null && candidate === null) return <>—</>;
  return (
    <>
      {format(current)} → {format(candidate)}
    </>
  );
}

function CandidateRows({ candidate }: { candidate: Candidate }) {
  const { evidence, projected_saving: saving } = candidate;
  // The difference, then its 95 % interval: one short line each, so the table fits a laptop.
  const difference = (value: Estimate | null, format: (value: number) => string) =>
    value && (
      <>
        <div class="muted small">{format(value.estimate)}</div>
        <div class="muted small">{range(value, format)}</div>
      </>
    );
  return (
    <>
      <tr class={`candidate candidate-${candidate.decision}`} data-candidate={candidate.model} data-decision={candidate.decision}>
        <th scope="row">
          <span class="mono">{candidate.model}</span>
          <div>
            <span class={`decision decision-${candidate.decision}`}>{DECISION_LABELS[candidate.decision]}</span>
          </div>
        </th>
        <td class="num">{count(evidence.pairs)}</td>
        <td class="num">
          <Sides current={evidence.accuracy_current} candidate={evidence.accuracy_candidate} format={(value) => percent(value)} />
          {difference(evidence.accuracy_difference, points)}
        </td>
        <td class="num">
          <Sides current={evidence.cost_per_item_current} candidate={evidence.cost_per_item_candidate} format={usd} />
          {difference(evidence.cost_difference_per_item, signedUsd)}
        </td>
        <td class="num">
          <Sides current={evidence.latency_ms_current} candidate={evidence.latency_ms_candidate} format={duration} />
          {difference(evidence.latency_difference_ms, signedDuration)}
        </td>
        <td class="num">
          {failure(evidence.failure_rate_current)}
          {evidence.failure_rate_candidate && <div class="muted small">→ {failure(evidence.failure_rate_candidate)}</div>}
        </td>
        <td class="num">
          {saving ? (
            <>
              <strong class="ok">{money(saving.usd_per_30_days)}</strong>
              <div class="muted small">{range(saving.usd_per_30_days_ci, money)}</div>
              <div class="muted small">{usd(saving.per_item_usd)} per item</div>
            </>
          ) : (
            '—'
          )}
        </td>
      </tr>
      <tr class={`candidate-reason candidate-${candidate.decision}`}>
        <td colSpan={7}>
          <div class="row-note">{candidate.reason}</div>
        </td>
      </tr>
    </>
  );
}

/** Per stage, the model in use and every cheaper model that served it, judged on paired labelled evidence. */
export function RecommendationsPage() {
  const { status: server } = useSession();
  const [days, setDays] = useState<number>(30);
  const [maxLossPercent, setMaxLossPercent] = useState('2');
  const [minPairs, setMinPairs] = useState('20');
  const [data, setData] = useState<Recommendations>();
  const [error, setError] = useState<string>();

  const lossValue = Number(maxLossPercent);
  const pairsValue = Number(minPairs);
  const lossValid = maxLossPercent.trim() !== '' && lossValue >= 0 && lossValue <= 50;
  const pairsValid = Number.isInteger(pairsValue) && pairsValue >= 2 && pairsValue <= 10_000;
  const valid = lossValid && pairsValid;

  useEffect(() => {
    if (!valid) return;
    const query = new URLSearchParams({ days: String(days), max_accuracy_loss: String(lossValue / 100), min_pairs: String(pairsValue) });
    let current = true;
    api<Recommendations>('GET', `/analytics/recommendations?${query}`)
      .then((answer) => {
        if (!current) return;
        setData(answer);
        setError(undefined);
      })
      .catch((failure: unknown) => current && setError(describeError(failure)));
    // A slower earlier answer must not replace the one for the settings now shown.
    return () => {
      current = false;
    };
  }, [days, lossValue, pairsValue, valid]);

  const totalSaving = data?.recommendations.reduce((sum, row) => sum + (row.usd_per_30_days ?? 0), 0) ?? 0;

  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1 class="item-title">
            Recommendations
            {server.simulated && (
              <span class="tag tag-warn" title="Providers are simulated: the evidence comes from the simulator, not real models.">
                Simulated
              </span>
            )}
          </h1>
          <p class="muted">Cheaper models that keep accuracy, per stage, judged only on paired labelled runs: the same document, the same other stages.</p>
        </div>
      </header>

      <form class="card recommendation-controls" aria-label="Recommendation settings" onSubmit={(event) => event.preventDefault()}>
        <div class="row wrap">
          <label class="field">
            <span>Window</span>
            <select value={days} onChange={(event) => setDays(Number(event.currentTarget.value))}>
              {WINDOWS.map((value) => (
                <option key={value} value={value}>
                  Last {value} days
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            <span>Max accuracy loss (points)</span>
            <input
              type="number"
              min={0}
              max={50}
              step={0.5}
              value={maxLossPercent}
              aria-invalid={!lossValid}
              onInput={(event) => setMaxLossPercent(event.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span>Min pairs</span>
            <input type="number" min={2} max={10000} step={1} value={minPairs} aria-invalid={!pairsValid} onInput={(event) => setMinPairs(event.currentTarget.value)} />
          </label>
        </div>
        <p class="muted small">
          A switch is recommended when the 95 % interval of the accuracy difference stays above −{valid ? maxLossPercent : '…'} points, the candidate is
          cheaper per item with 95 % confidence and does not fail significantly more often.
        </p>
        {!valid && <p class="bad small">Max accuracy loss is 0–50 points; min pairs a whole number from 2 to 10 000.</p>}
      </form>

      {error && <Notice kind="error">{error}</Notice>}
      {!data ? (
        !error && <p class="muted">Loading…</p>
      ) : (
        <>
          <div class="stats">
            <StatCard label="Labelled runs" value={count(data.labelled_runs)} hint={`last ${data.window.days} days`} />
            <StatCard label="Stages judged" value={count(data.stages.length)} hint="stage × model in use" />
            <StatCard label="Switches" value={count(data.recommendations.length)} hint="recommended" />
            <StatCard label="Projected saving" value={money(totalSaving)} hint="per 30 days at current volume" />
          </div>

          {data.recommendations.length > 0 && (
            <section class="card recommendation-list" aria-labelledby="switches-title">
              <h2 id="switches-title">Recommended switches</h2>
              <ul>
                {data.recommendations.map((row) => (
                  <li key={`${row.stage}-${row.from_model}-${row.to_model}`}>
                    <strong class="capitalise">{row.stage}</strong>: <span class="mono">{row.from_model}</span> → <span class="mono">{row.to_model}</span>
                    {row.usd_per_30_days !== null && <span class="ok"> · saves {money(row.usd_per_30_days)} per 30 days</span>}
                    <div class="muted small">{row.summary}</div>
                  </li>
                ))}
              </ul>
            </section>
          )}

          {data.stages.length === 0 ? (
            <div class="card empty">
              <p>No labelled runs in this window.</p>
              <p class="muted">Recommendations need completed runs on labelled documents — an experiment that changes one stage’s model produces exactly the pairs they use.</p>
            </div>
          ) : (
            data.stages.map((stage) => (
              <section key={`${stage.stage}-${stage.current_model}`} class="card" aria-label={`${stage.stage} with ${stage.current_model ?? 'no model'}`} data-stage={stage.stage}>
                <div class="card-header">
                  <h2>
                    <span class="capitalise">{stage.stage}</span> · <span class="mono">{stage.current_model ?? 'no model in use'}</span>
                  </h2>
                  <span class="muted small">{count(Math.round(stage.current_stage_runs_per_30_days))} stage runs per 30 days</span>
                </div>
                {stage.candidates.length === 0 ? (
                  <p class="muted">No cheaper model served this stage on labelled documents in the window.</p>
                ) : (
                  <div class="table-wrap">
                    <table class="table" data-table="candidates">
                      <thead>
                        <tr>
                          <th scope="col">Candidate</th>
                          <th scope="col" class="num">
                            Pairs
                          </th>
                          <th scope="col" class="num">
                            Accuracy (now → candidate)
                          </th>
                          <th scope="col" class="num">
                            Cost per item
                          </th>
                          <th scope="col" class="num">
                            Latency
                          </th>
                          <th scope="col" class="num">
                            Failure rate (calls)
                          </th>
                          <th scope="col" class="num">
                            Saving / 30 days
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {stage.candidates.map((candidate) => (
                          <CandidateRows key={candidate.model} candidate={candidate} />
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </section>
            ))
          )}
          <p class="muted small">Computed {dateTime(data.generated_at)} from runs since {dateTime(data.window.from)}.</p>
        </>
      )}
    </div>
  );
}
