import { useRef, useState } from 'preact/hooks';
import { RecommendationsSchema } from '../../../contract/analytics.ts';
import { CandidatesTable, money } from '../components/candidates-table.tsx';
import { Notice } from '../components/notice.tsx';
import { RecommendationSettings, settingsQuery, type RecommendationSettingsDraft } from '../components/recommendation-settings.tsx';
import { StatCard } from '../components/stat-card.tsx';
import { useSession } from '../lib/context.ts';
import { count, dateTime } from '../lib/format.ts';
import { useApi } from '../lib/use-api.ts';
import '../experiments.css';

/** Per stage, the model in use and every cheaper model that served it, judged on paired labelled evidence. */
export function RecommendationsPage() {
  const { status: server } = useSession();
  const [draft, setDraft] = useState<RecommendationSettingsDraft>({ days: 30, maxLossPercent: '2', minPairs: '20' });
  // While a field is half-typed the last valid settings stay shown.
  const lastValid = useRef('');
  lastValid.current = settingsQuery(draft) ?? lastValid.current;
  const { data, error } = useApi(`/analytics/recommendations?${lastValid.current}`, RecommendationsSchema);
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
      <RecommendationSettings draft={draft} onChange={setDraft} />

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
                  <CandidatesTable candidates={stage.candidates} />
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
