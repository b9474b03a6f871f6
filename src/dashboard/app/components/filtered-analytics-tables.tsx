import { useEffect, useState } from 'preact/hooks';
import { api, describeError } from '../lib/api.ts';
import type { AnalyticsFilters, ConfigurationPerformanceRow, ModelPerformanceRow } from '../lib/experiment-types.ts';
import { count, duration, percent, tokens, usd } from '../lib/format.ts';
import { Notice } from './notice.tsx';

/**
 * The per-model and per-configuration tables under filters, from `GET /analytics/models` (per model,
 * provider and stage) and `GET /analytics/configurations`, over the same time range as the charts.
 */
export function FilteredAnalyticsTables({ from, to, filters }: { from: string; to: string; filters: AnalyticsFilters }) {
  const [data, setData] = useState<{ models: ModelPerformanceRow[]; configurations: ConfigurationPerformanceRow[] }>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    const query = new URLSearchParams({ from, to });
    for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
    let current = true;
    Promise.all([api<ModelPerformanceRow[]>('GET', `/analytics/models?${query}`), api<ConfigurationPerformanceRow[]>('GET', `/analytics/configurations?${query}`)])
      .then(([models, configurations]) => {
        if (!current) return;
        setData({ models, configurations });
        setError(undefined);
      })
      .catch((failure: unknown) => current && setError(describeError(failure)));
    // Answers for filters no longer chosen are dropped, so a quick change of mind cannot show stale rows.
    return () => {
      current = false;
    };
  }, [from, to, filters.stage, filters.provider, filters.model, filters.configuration_id]);

  if (error) return <Notice kind="error">{error}</Notice>;
  if (!data) return <p class="muted">Loading…</p>;
  return (
    <>
      <section class="card" aria-labelledby="models-title" data-filtered>
        <h2 id="models-title">Per model and stage</h2>
        {data.models.length === 0 ? (
          <p class="muted" data-empty="models">
            No provider call matches these filters in this range.
          </p>
        ) : (
          <div class="table-wrap">
            <table class="table" data-table="models">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col">Provider</th>
                  <th scope="col">Stage</th>
                  <th scope="col" class="num">
                    Calls
                  </th>
                  <th scope="col" class="num">
                    Success
                  </th>
                  <th scope="col" class="num">
                    Cost
                  </th>
                  <th scope="col" class="num">
                    Avg latency
                  </th>
                  <th scope="col" class="num">
                    p95
                  </th>
                  <th scope="col" class="num">
                    Tokens in / out
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.models.map((row) => (
                  <tr key={`${row.model}-${row.provider}-${row.stage}`}>
                    <th scope="row" class="mono">
                      {row.model}
                    </th>
                    <td>
                      <span class={`provider provider-${row.provider}`}>{row.provider}</span>
                    </td>
                    <td class="capitalise">{row.stage}</td>
                    <td class="num">{count(row.calls)}</td>
                    <td class="num">{percent(row.success_rate)}</td>
                    <td class="num">{usd(row.cost_usd)}</td>
                    <td class="num">{duration(row.avg_latency_ms)}</td>
                    <td class="num">{duration(row.p95_latency_ms)}</td>
                    <td class="num">
                      {tokens(row.input_tokens)} / {tokens(row.output_tokens)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section class="card" aria-labelledby="configurations-title" data-filtered>
        <h2 id="configurations-title">Configurations compared</h2>
        <p class="muted small">Runs that finished in the range. A model or provider filter keeps the configurations that use it{filters.stage ? ` in ${filters.stage}` : ''}.</p>
        {data.configurations.length === 0 ? (
          <p class="muted" data-empty="configurations">
            No configuration run matches these filters in this range.
          </p>
        ) : (
          <div class="table-wrap">
            <table class="table" data-table="configurations">
              <thead>
                <tr>
                  <th scope="col">Configuration</th>
                  <th scope="col" class="num">
                    Runs
                  </th>
                  <th scope="col" class="num">
                    Success
                  </th>
                  <th scope="col" class="num">
                    Accuracy
                  </th>
                  <th scope="col" class="num">
                    Avg cost
                  </th>
                  <th scope="col" class="num">
                    Total cost
                  </th>
                  <th scope="col" class="num">
                    Avg duration
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.configurations.map((row) => (
                  <tr key={row.configuration_id}>
                    <th scope="row">{row.name ?? <span class="muted">unnamed · {row.configuration_id.slice(0, 8)}</span>}</th>
                    <td class="num">{count(row.times_used)}</td>
                    <td class="num">{percent(row.success_rate)}</td>
                    <td class="num">
                      {percent(row.avg_accuracy)}
                      {row.labelled_runs > 0 && <span class="muted small"> ({row.labelled_runs})</span>}
                    </td>
                    <td class="num">{usd(row.avg_cost_usd)}</td>
                    <td class="num">{usd(row.total_cost_usd)}</td>
                    <td class="num">{duration(row.avg_duration_ms)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
