import type { ChartConfiguration } from 'chart.js';
import { PALETTE, PROVIDER_COLOURS } from '../components/chart.tsx';
import { latencyBucket, usd } from './format.ts';
import type { TimeRangeAnalytics as Analytics } from '../../../contract/analytics.ts';

// Chart.js configurations built from one analytics answer. Each is a pure function of the data so
// pages can memoise them and charts redraw only when the data changes.

const providerColour = (provider: string, index: number) => PROVIDER_COLOURS[provider] ?? PALETTE[index % PALETTE.length]!;

export function costPerModel(data: Analytics): ChartConfiguration<'bar'> {
  const rows = data.models.filter((row) => row.calls > 0);
  return {
    type: 'bar',
    data: {
      labels: rows.map((row) => row.model),
      datasets: [{ label: 'Cost (USD)', data: rows.map((row) => row.cost_usd), backgroundColor: rows.map((row, index) => providerColour(row.provider, index)), borderRadius: 4 }],
    },
    options: {
      indexAxis: 'y',
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (context) => usd(Number(context.raw)) } } },
      scales: { x: { beginAtZero: true, ticks: { callback: (value) => usd(Number(value)) } } },
    },
  };
}

export function callsPerProvider(data: Analytics): ChartConfiguration<'doughnut'> {
  const byProvider = new Map<string, number>();
  for (const row of data.models) byProvider.set(row.provider, (byProvider.get(row.provider) ?? 0) + row.calls);
  const providers = [...byProvider.keys()];
  return {
    type: 'doughnut',
    data: {
      labels: providers,
      datasets: [{ data: providers.map((provider) => byProvider.get(provider)!), backgroundColor: providers.map(providerColour), borderWidth: 2 }],
    },
    options: { cutout: '62%', plugins: { legend: { position: 'bottom' } } },
  };
}

export function latencyDistribution(data: Analytics): ChartConfiguration<'bar'> {
  const labels = data.latency_histogram.map((bucket) => latencyBucket(bucket.lower_ms, bucket.upper_ms));
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: 'Succeeded', data: data.latency_histogram.map((bucket) => bucket.successes), backgroundColor: '#2e6fdb', borderRadius: 3 },
        { label: 'Failed', data: data.latency_histogram.map((bucket) => bucket.calls - bucket.successes), backgroundColor: '#e5484d', borderRadius: 3 },
      ],
    },
    options: {
      plugins: { legend: { position: 'bottom' } },
      scales: { x: { stacked: true, title: { display: true, text: 'response time' } }, y: { stacked: true, beginAtZero: true, title: { display: true, text: 'calls' }, ticks: { precision: 0 } } },
    },
  };
}

export function successOverTime(data: Analytics): ChartConfiguration<'bar' | 'line'> {
  const label = (iso: string) =>
    new Date(iso).toLocaleString('en-GB', data.step === 'hour' ? { hour: '2-digit', minute: '2-digit', day: '2-digit', month: 'short' } : { day: '2-digit', month: 'short' });
  return {
    type: 'bar',
    data: {
      labels: data.timeline.map((point) => label(point.at)),
      datasets: [
        {
          type: 'line',
          label: 'Success rate',
          data: data.timeline.map((point) => (point.calls ? (point.successes / point.calls) * 100 : null)),
          borderColor: '#12a594',
          backgroundColor: '#12a594',
          yAxisID: 'rate',
          tension: 0.25,
          pointRadius: 3,
        },
        { type: 'bar', label: 'Calls', data: data.timeline.map((point) => point.calls), backgroundColor: '#c7d7f5', yAxisID: 'calls', borderRadius: 3, maxBarThickness: 56 },
      ],
    },
    options: {
      plugins: { legend: { position: 'bottom' } },
      scales: {
        calls: { type: 'linear', position: 'left', beginAtZero: true, title: { display: true, text: 'calls' }, ticks: { precision: 0 } },
        rate: { type: 'linear', position: 'right', min: 0, max: 100, title: { display: true, text: 'success %' }, grid: { drawOnChartArea: false } },
      },
    },
  };
}

export function configurationComparison(data: Analytics): ChartConfiguration<'scatter'> {
  const rows = data.configurations.filter((row) => row.avg_accuracy !== null);
  return {
    type: 'scatter',
    data: {
      datasets: rows.map((row, index) => ({
        label: row.name ?? `unnamed ${row.configuration_id.slice(0, 8)}`,
        data: [{ x: row.avg_cost_usd, y: (row.avg_accuracy ?? 0) * 100 }],
        backgroundColor: PALETTE[index % PALETTE.length],
        pointRadius: Math.min(14, 5 + Math.sqrt(row.runs)),
        pointHoverRadius: Math.min(16, 7 + Math.sqrt(row.runs)),
        // A configuration at 100 % sits on the top edge: draw all of its point.
        clip: false as const,
      })),
    },
    options: {
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { label: (context) => `${context.dataset.label}: ${(context.parsed.y ?? 0).toFixed(1)} % at ${usd(context.parsed.x)} per run` } },
      },
      scales: {
        x: { beginAtZero: true, grace: '15%', title: { display: true, text: 'average cost per run' }, ticks: { callback: (value) => usd(Number(value)) } },
        y: { min: 0, max: 100, title: { display: true, text: 'average accuracy %' } },
      },
    },
  };
}
