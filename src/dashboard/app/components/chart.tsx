import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

// Only the chart types the dashboard draws, so the bundle carries nothing else.
Chart.register(
  ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Filler, Legend,
  LinearScale, LineController, LineElement, PointElement, ScatterController, Tooltip,
);
Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue('--font').trim() || 'system-ui, sans-serif';
Chart.defaults.color = '#475467';
Chart.defaults.borderColor = '#e4e7ec';
// The chart fills the box its card gives it; animation only delays the numbers.
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.animation = false;

export const PALETTE = ['#2e6fdb', '#12a594', '#e0802b', '#8e4ec6', '#d6409f', '#3e9b4f', '#c2410c', '#64748b'];
export const PROVIDER_COLOURS: Record<string, string> = { openai: '#12a594', anthropic: '#e0802b', google: '#2e6fdb' };

/**
 * A Chart.js canvas. The canvas is labelled for screen readers; the exact numbers are always in a
 * table beside it, so the chart is for looking, not the only way to read the data.
 */
type DashboardChart = ChartConfiguration<'bar'> | ChartConfiguration<'bar' | 'line'> | ChartConfiguration<'doughnut'> | ChartConfiguration<'scatter'>;

export function ChartCanvas({ config, label, height = 260 }: { config: DashboardChart; label: string; height?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return undefined;
    const chart = new Chart(canvas.current, config as ChartConfiguration);
    return () => chart.destroy();
  }, [config]);
  return (
    <div class="chart" style={{ height: `${height}px` }}>
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
