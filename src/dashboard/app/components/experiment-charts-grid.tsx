import { useMemo } from 'preact/hooks';
import type { Experiment } from '../../../contract/experiments.ts';
import { accuracyChart, costChart, latencyChart } from '../lib/experiment-charts.ts';
import { usd } from '../lib/format.ts';
import { ChartCanvas } from './chart.tsx';

/** Accuracy, cost and duration per configuration, each chart with its 95 % intervals where it has them. */
export function ExperimentChartsGrid({ experiment }: { experiment: Experiment }) {
  // Charts redraw only when their numbers change, not on every poll that brings the same ones.
  const armsKey = JSON.stringify(experiment.arms);
  const charts = useMemo(() => ({ accuracy: accuracyChart(experiment), cost: costChart(experiment), latency: latencyChart(experiment) }), [armsKey]);
  const { arms } = experiment;
  return (
    <div class="grid-3">
      <section class="card" aria-labelledby="accuracy-title">
        <h2 id="accuracy-title">Accuracy per configuration</h2>
        {arms.some((arm) => arm.accuracy !== null) ? (
          <ChartCanvas config={charts.accuracy} label="Bar chart of mean field accuracy and exact-match rate per configuration, with 95 % confidence intervals as whiskers" />
        ) : (
          <p class="muted">No labelled run has completed yet.</p>
        )}
        <p class="muted small">Whiskers: 95 % intervals (bootstrap for mean field accuracy, Wilson for every-field-right).</p>
      </section>
      <section class="card" aria-labelledby="cost-title">
        <h2 id="cost-title">Cost per item</h2>
        {arms.some((arm) => arm.cost_usd_per_item !== null) ? (
          <>
            <ChartCanvas config={charts.cost} label="Bar chart of cost per item per configuration" />
            <p class="muted small">{arms.map((arm) => `${arm.name}: ${usd(arm.cost_usd_per_item)}`).join(' · ')} per item.</p>
          </>
        ) : (
          <p class="muted">No run has finished yet.</p>
        )}
      </section>
      <section class="card" aria-labelledby="latency-title">
        <h2 id="latency-title">Run duration</h2>
        {arms.some((arm) => arm.latency_ms_p50 !== null) ? (
          <ChartCanvas config={charts.latency} label="Bar chart of median and 95th percentile run duration per configuration" />
        ) : (
          <p class="muted">No run has completed yet.</p>
        )}
      </section>
    </div>
  );
}
