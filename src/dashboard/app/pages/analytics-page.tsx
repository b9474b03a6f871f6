import { useEffect, useMemo, useState } from 'preact/hooks';
import { AnalyticsFilterBar, hasFilters, NO_FILTERS } from '../components/analytics-filters.tsx';
import { ChartCanvas } from '../components/chart.tsx';
import { FilteredAnalyticsTables } from '../components/filtered-analytics-tables.tsx';
import { Notice } from '../components/notice.tsx';
import { StatCard } from '../components/stat-card.tsx';
import { callsPerProvider, configurationComparison, costPerModel, latencyDistribution, successOverTime } from '../lib/analytics-charts.ts';
import { api, describeError } from '../lib/api.ts';
import { count, duration, percent, tokens, usd } from '../lib/format.ts';
import type { AnalyticsFilters } from '../lib/experiment-types.ts';
import type { Analytics } from '../lib/types.ts';
import '../experiments.css';

const RANGES = [
  { key: '1h', label: 'Last hour', ms: 3_600_000 },
  { key: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { key: '365d', label: 'Last year', ms: 365 * 86_400_000 },
] as const;

/** Charts and tables over the usage ledger and finished runs, for a chosen time range. */
export function AnalyticsPage() {
  const [range, setRange] = useState<(typeof RANGES)[number]['key']>('24h');
  const [data, setData] = useState<Analytics>();
  const [error, setError] = useState<string>();
  const [filters, setFilters] = useState<AnalyticsFilters>(NO_FILTERS);

  useEffect(() => {
    const span = RANGES.find((candidate) => candidate.key === range)!.ms;
    // A minute of slack past now, so calls logged while the page loads are inside the range.
    const to = new Date(Date.now() + 60_000);
    const query = new URLSearchParams({ from: new Date(to.getTime() - span).toISOString(), to: to.toISOString() });
    api<Analytics>('GET', `/dashboard/analytics?${query}`)
      .then((answer) => {
        setData(answer);
        setError(undefined);
      })
      .catch((failure: unknown) => setError(describeError(failure)));
  }, [range]);

  const charts = useMemo(
    () =>
      data && {
        cost: costPerModel(data),
        providers: callsPerProvider(data),
        latency: latencyDistribution(data),
        success: successOverTime(data),
        configurations: configurationComparison(data),
      },
    [data],
  );

  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>Analytics</h1>
          <p class="muted">What the models cost, how fast and how reliably they answer, and how configurations compare.</p>
        </div>
        <label class="field inline">
          <span>Time range</span>
          <select value={range} onChange={(event) => setRange(event.currentTarget.value as typeof range)}>
            {RANGES.map((candidate) => (
              <option key={candidate.key} value={candidate.key}>
                {candidate.label}
              </option>
            ))}
          </select>
        </label>
      </header>
      {error && <Notice kind="error">{error}</Notice>}
      {!data || !charts ? (
        !error && <p class="muted">Loading…</p>
      ) : data.totals.calls === 0 && data.totals.runs === 0 ? (
        <div class="card empty">
          <p>No provider calls in this range.</p>
          <p class="muted">Process documents from the queue, or choose a longer range.</p>
        </div>
      ) : (
        <>
          <div class="stats">
            <StatCard label="Provider calls" value={count(data.totals.calls)} hint={`${percent(data.totals.calls ? data.totals.successes / data.totals.calls : null)} succeeded`} />
            <StatCard label="Cost" value={usd(data.totals.cost_usd)} hint="all calls, failed ones included" />
            <StatCard label="Runs finished" value={count(data.totals.runs)} hint={`${percent(data.totals.runs ? data.totals.completed_runs / data.totals.runs : null)} completed`} />
            <StatCard label="Average accuracy" value={percent(data.totals.avg_accuracy)} hint="labelled runs" />
          </div>

          <div class="grid-2">
            <section class="card" aria-labelledby="cost-title">
              <h2 id="cost-title">Cost per model</h2>
              <ChartCanvas config={charts.cost} label="Bar chart of cost per model" height={Math.max(200, data.models.length * 34 + 60)} />
            </section>
            <section class="card" aria-labelledby="providers-title">
              <h2 id="providers-title">Calls per provider</h2>
              <ChartCanvas config={charts.providers} label="Doughnut chart of calls per provider" />
            </section>
            <section class="card" aria-labelledby="latency-title">
              <h2 id="latency-title">Latency distribution</h2>
              <ChartCanvas config={charts.latency} label="Histogram of provider call latency" />
            </section>
            <section class="card" aria-labelledby="success-title">
              <h2 id="success-title">Calls and success rate over time</h2>
              <ChartCanvas config={charts.success} label="Calls and success rate per time interval" />
            </section>
          </div>

          <section class="card" aria-labelledby="filters-title">
            <h2 id="filters-title">Filter the tables</h2>
            <AnalyticsFilterBar filters={filters} onChange={setFilters} />
          </section>
          {hasFilters(filters) && <FilteredAnalyticsTables from={data.from} to={data.to} filters={filters} />}

          {!hasFilters(filters) && <section class="card" aria-labelledby="models-title">
            <h2 id="models-title">Per model</h2>
            <div class="table-wrap">
              <table class="table" data-table="models">
                <thead>
                  <tr>
                    <th scope="col">Model</th>
                    <th scope="col">Provider</th>
                    <th scope="col" class="num">Calls</th>
                    <th scope="col" class="num">Success</th>
                    <th scope="col" class="num">Cost</th>
                    <th scope="col" class="num">Avg latency</th>
                    <th scope="col" class="num">p50</th>
                    <th scope="col" class="num">p95</th>
                    <th scope="col" class="num">Tokens in / out</th>
                  </tr>
                </thead>
                <tbody>
                  {data.models.map((row) => (
                    <tr key={`${row.model}-${row.provider}`}>
                      <th scope="row" class="mono">
                        {row.model}
                      </th>
                      <td>
                        <span class={`provider provider-${row.provider}`}>{row.provider}</span>
                      </td>
                      <td class="num">{count(row.calls)}</td>
                      <td class="num">{percent(row.calls ? row.successes / row.calls : null)}</td>
                      <td class="num">{usd(row.cost_usd)}</td>
                      <td class="num">{duration(row.avg_latency_ms)}</td>
                      <td class="num">{duration(row.p50_latency_ms)}</td>
                      <td class="num">{duration(row.p95_latency_ms)}</td>
                      <td class="num">
                        {tokens(row.input_tokens)} / {tokens(row.output_tokens)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>}

          {!hasFilters(filters) && <section class="card" aria-labelledby="configurations-title">
            <h2 id="configurations-title">Configurations compared</h2>
            {data.configurations.some((row) => row.avg_accuracy !== null) && (
              <ChartCanvas config={charts.configurations} label="Scatter chart of accuracy against cost per configuration" height={280} />
            )}
            <div class="table-wrap">
              <table class="table" data-table="configurations">
                <thead>
                  <tr>
                    <th scope="col">Configuration</th>
                    <th scope="col" class="num">Runs</th>
                    <th scope="col" class="num">Completed</th>
                    <th scope="col" class="num">Accuracy</th>
                    <th scope="col" class="num">Avg cost</th>
                    <th scope="col" class="num">Total cost</th>
                    <th scope="col" class="num">Avg duration</th>
                  </tr>
                </thead>
                <tbody>
                  {data.configurations.map((row) => (
                    <tr key={row.configuration_id}>
                      <th scope="row">{row.name ?? <span class="muted">unnamed · {row.configuration_id.slice(0, 8)}</span>}</th>
                      <td class="num">{count(row.runs)}</td>
                      <td class="num">{percent(row.runs ? row.completed / row.runs : null)}</td>
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
          </section>}
        </>
      )}
    </div>
  );
}
