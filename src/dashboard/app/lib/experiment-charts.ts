import type { Chart, ChartConfiguration, Plugin } from 'chart.js';
import { PALETTE } from '../components/chart.tsx';
import { duration, percent, usd } from './format.ts';
import type { ArmSummary as ExperimentArm, Experiment, Interval } from '../../../contract/experiments.ts';

// Chart.js configurations for one experiment: pure functions of the answer, memoised by the page.

export const armColour = (arm: number) => PALETTE[arm % PALETTE.length]!;

type Whiskers = Array<Interval | null>;
/** Per dataset, the 95 % interval of each bar, drawn by the plugin below. */
type WithWhiskers = { whiskers?: Whiskers };

/**
 * Draws each bar's confidence interval as a whisker (a vertical line with caps) on top of the bar.
 * Chart.js has no error bars; a plugin that reads the intervals from the dataset keeps them beside
 * the numbers they belong to, and the tooltip states them in words.
 */
const errorBars: Plugin<'bar'> = {
  id: 'quarryErrorBars',
  afterDatasetsDraw(chart: Chart<'bar'>) {
    const { ctx } = chart;
    const y = chart.scales.y;
    if (!y) return;
    chart.data.datasets.forEach((dataset, index) => {
      const whiskers = (dataset as WithWhiskers).whiskers;
      const meta = chart.getDatasetMeta(index);
      if (!whiskers || meta.hidden) return;
      ctx.save();
      ctx.strokeStyle = '#101828';
      ctx.lineWidth = 1.5;
      meta.data.forEach((bar, barIndex) => {
        const interval = whiskers[barIndex];
        if (!interval) return;
        const x = bar.x;
        const top = y.getPixelForValue(interval.high * 100);
        const bottom = y.getPixelForValue(interval.low * 100);
        const cap = 6;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, bottom);
        ctx.moveTo(x - cap, top);
        ctx.lineTo(x + cap, top);
        ctx.moveTo(x - cap, bottom);
        ctx.lineTo(x + cap, bottom);
        ctx.stroke();
      });
      ctx.restore();
    });
  },
};

// Two lines for the control, so long names need less rotation in a narrow card.
const armLabels = (arms: ExperimentArm[]) => arms.map((arm) => (arm.arm === 0 ? [arm.name, '(control)'] : arm.name));

/** One bar per arm of a share (in %), with its 95 % interval as a whisker. */
function shareBars(label: string, colour: string, arms: ExperimentArm[], share: (arm: ExperimentArm) => number | null, interval: (arm: ExperimentArm) => Interval | null) {
  const dataset = { label, backgroundColor: colour, borderRadius: 4, maxBarThickness: 64 };
  const data = arms.map((arm) => share(arm)).map((value) => (value === null ? null : value * 100));
  return { ...dataset, data, whiskers: arms.map(interval) } as ChartConfiguration<'bar'>['data']['datasets'][number] & WithWhiskers;
}

/** Mean field accuracy and exact-match rate per arm, with their 95 % intervals as whiskers. */
export function accuracyChart(experiment: Experiment): ChartConfiguration<'bar'> {
  const arms = experiment.arms;
  const intervalText = (interval: Interval | null | undefined) => (interval ? ` (95 % CI ${percent(interval.low)} to ${percent(interval.high)})` : '');
  return {
    type: 'bar',
    data: {
      labels: armLabels(arms),
      datasets: [
        shareBars('Mean field accuracy', '#2e6fdb', arms, (arm) => arm.accuracy, (arm) => arm.accuracy_ci),
        shareBars('Every field right', '#c7d7f5', arms, (arm) => arm.exact_match_rate, (arm) => arm.exact_match_ci),
      ],
    },
    options: {
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            label: (context) => {
              const arm = arms[context.dataIndex];
              const interval = context.datasetIndex === 0 ? arm?.accuracy_ci : arm?.exact_match_ci;
              return `${context.dataset.label}: ${percent(context.parsed.y === null ? null : context.parsed.y / 100)}${intervalText(interval)}`;
            },
          },
        },
      },
      scales: { y: { min: 0, max: 100, title: { display: true, text: 'accuracy % (95 % CI)' } } },
    },
    plugins: [errorBars],
  };
}

/** Cost per item per arm: what the comparison's cost difference is made of. */
export function costChart(experiment: Experiment): ChartConfiguration<'bar'> {
  const arms = experiment.arms;
  const bars = { label: 'Cost per item', data: arms.map((arm) => arm.cost_usd_per_item), backgroundColor: arms.map((arm) => armColour(arm.arm)) };
  return {
    type: 'bar',
    data: { labels: armLabels(arms), datasets: [{ ...bars, borderRadius: 4, maxBarThickness: 64 }] },
    options: {
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (context) => `${usd(context.parsed.y)} per item` } } },
      scales: { y: { beginAtZero: true, title: { display: true, text: 'USD per item' }, ticks: { callback: (value) => usd(Number(value)) } } },
    },
  };
}

/** Median and 95th-percentile run duration per arm. */
export function latencyChart(experiment: Experiment): ChartConfiguration<'bar'> {
  const arms = experiment.arms;
  return {
    type: 'bar',
    data: {
      labels: armLabels(arms),
      datasets: [
        { label: 'p50', data: arms.map((arm) => arm.latency_ms_p50), backgroundColor: '#2e6fdb', borderRadius: 4, maxBarThickness: 48 },
        { label: 'p95', data: arms.map((arm) => arm.latency_ms_p95), backgroundColor: '#c7d7f5', borderRadius: 4, maxBarThickness: 48 },
      ],
    },
    options: {
      plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { label: (context) => `${context.dataset.label}: ${duration(context.parsed.y)}` } } },
      scales: { y: { beginAtZero: true, title: { display: true, text: 'run duration' }, ticks: { callback: (value) => duration(Number(value)) } } },
    },
  };
}
