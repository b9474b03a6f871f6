import { useMemo } from 'preact/hooks';
import type { TimeRangeAnalytics } from '../../../contract/analytics.ts';
import { callsPerProvider, costPerModel, latencyDistribution, successOverTime } from '../lib/analytics-charts.ts';
import { ChartCanvas } from './chart.tsx';

/** The analytics page's four charts over the time range; their exact numbers are in the tables below. */
export function AnalyticsChartsGrid({ data }: { data: TimeRangeAnalytics }) {
  const charts = useMemo(
    () => ({ cost: costPerModel(data), providers: callsPerProvider(data), latency: latencyDistribution(data), success: successOverTime(data) }),
    [data],
  );
  return (
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
  );
}
