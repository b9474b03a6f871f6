import { useMemo, useState } from 'preact/hooks';
import { TimeRangeAnalyticsSchema } from '../../../contract/analytics.ts';
import { AnalyticsChartsGrid } from '../components/analytics-charts-grid.tsx';
import { AnalyticsFilterBar, hasFilters, NO_FILTERS, type FilterChoice } from '../components/analytics-filters.tsx';
import { RangeConfigurationTable, RangeModelTable } from '../components/analytics-tables.tsx';
import { ChartCanvas } from '../components/chart.tsx';
import { FilteredAnalyticsTables } from '../components/filtered-analytics-tables.tsx';
import { Notice } from '../components/notice.tsx';
import { PathAccuracyTable } from '../components/path-accuracy-table.tsx';
import { RateLimitsPanel } from '../components/rate-limits-panel.tsx';
import { StatCard } from '../components/stat-card.tsx';
import { configurationComparison } from '../lib/analytics-charts.ts';
import { count, percent, usd } from '../lib/format.ts';
import { useApi } from '../lib/use-api.ts';
import '../experiments.css';

const RANGES = [
  { key: '1h', label: 'Last hour', ms: 3_600_000 },
  { key: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { key: '365d', label: 'Last year', ms: 365 * 86_400_000 },
] as const;
type RangeKey = (typeof RANGES)[number]['key'];

/** The query for a range ending a minute past now, so calls logged while the page loads are inside it. */
function rangeQuery(key: RangeKey): string {
  const span = RANGES.find((candidate) => candidate.key === key)!.ms;
  const to = new Date(Date.now() + 60_000);
  return new URLSearchParams({ from: new Date(to.getTime() - span).toISOString(), to: to.toISOString() }).toString();
}

/** Charts and tables over the usage ledger and finished runs, for a chosen time range. */
export function AnalyticsPage() {
  const [range, setRange] = useState<RangeKey>('24h');
  const [filters, setFilters] = useState<FilterChoice>(NO_FILTERS);
  const query = useMemo(() => rangeQuery(range), [range]);
  const path = `/dashboard/analytics?${query}`;
  const { data, error } = useApi(path, TimeRangeAnalyticsSchema);
  const comparison = useMemo(() => data && configurationComparison(data), [data]);
  const filtered = hasFilters(filters);

  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>Analytics</h1>
          <p class="muted">What the models cost, how fast and how reliably they answer, and how configurations compare.</p>
        </div>
        <label class="field inline">
          <span>Time range</span>
          <select value={range} onChange={(event) => setRange(event.currentTarget.value as RangeKey)}>
            {RANGES.map((candidate) => (
              <option key={candidate.key} value={candidate.key}>
                {candidate.label}
              </option>
            ))}
          </select>
        </label>
      </header>
      <RateLimitsPanel />
      {error && <Notice kind="error">{error}</Notice>}
      {!data ? (
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
          <AnalyticsChartsGrid data={data} />

          <section class="card" aria-labelledby="filters-title">
            <h2 id="filters-title">Filter the tables</h2>
            <AnalyticsFilterBar filters={filters} onChange={setFilters} />
          </section>
          {filtered ? (
            <FilteredAnalyticsTables from={data.from} to={data.to} filters={filters} />
          ) : (
            <>
              <section class="card" aria-labelledby="models-title">
                <h2 id="models-title">Per model</h2>
                <RangeModelTable rows={data.models} />
              </section>
              <section class="card" aria-labelledby="configurations-title">
                <h2 id="configurations-title">Configurations compared</h2>
                {comparison && data.configurations.some((row) => row.avg_accuracy !== null) && (
                  <ChartCanvas config={comparison} label="Scatter chart of accuracy against cost per configuration" height={280} />
                )}
                <RangeConfigurationTable rows={data.configurations} />
              </section>
              <section class="card" aria-labelledby="paths-title">
                <h2 id="paths-title">Accuracy per field path</h2>
                <PathAccuracyTable query={query} />
              </section>
            </>
          )}
        </>
      )}
    </div>
  );
}
