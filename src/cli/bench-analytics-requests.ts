import { quantile } from '../analytics/statistics.ts';

/** What an analytics request is timed through: the app's in-process `request` (validation, SQL, JSON). */
export type RequestApp = { request(url: string): Response | Promise<Response> };

export interface BenchCase {
  name: string;
  url: string;
}

export interface CaseTiming {
  case: string;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
}

/**
 * The requests of the benchmark, relative to `now`: every `/analytics/*` route and the dashboard's
 * analytics, with ragged range edges (not on hour boundaries) and each filter.
 */
export function benchCases(now: Date, configurations: readonly string[], model: string): BenchCase[] {
  const iso = (date: Date) => encodeURIComponent(date.toISOString());
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const hourAgo = ago(3_600_000);
  const dayAgo = ago(86_400_000 + 1_234_567);
  const weekAgo = ago(7 * 86_400_000 + 7_654_321);
  return [
    { name: 'models: all time, no filter', url: '/analytics/models' },
    { name: 'models: last 24 h (ragged edges)', url: `/analytics/models?from=${iso(dayAgo)}&to=${iso(hourAgo)}` },
    { name: 'models: last 7 days (ragged edge)', url: `/analytics/models?from=${iso(weekAgo)}` },
    { name: 'models: last 10 minutes', url: `/analytics/models?from=${iso(ago(600_000))}` },
    { name: 'models: stage=extract', url: '/analytics/models?stage=extract' },
    { name: `models: model=${model}`, url: `/analytics/models?model=${model}` },
    { name: 'models: provider=anthropic, last 7 days', url: `/analytics/models?provider=anthropic&from=${iso(weekAgo)}` },
    { name: `models: configuration_id (one of ${configurations.length})`, url: `/analytics/models?configuration_id=${configurations[0]}` },
    { name: 'models: configuration_id + stage + last 7 days', url: `/analytics/models?configuration_id=${configurations[1]}&stage=review&from=${iso(weekAgo)}` },
    { name: 'configurations: no filter', url: '/analytics/configurations' },
    { name: 'configurations: last 7 days', url: `/analytics/configurations?from=${iso(weekAgo)}` },
    { name: 'recommendations: last 30 days', url: '/analytics/recommendations' },
    { name: 'dashboard: last 7 days', url: '/dashboard/analytics' },
    { name: 'dashboard: last 24 h (hourly points)', url: `/dashboard/analytics?from=${iso(dayAgo)}` },
  ];
}

/**
 * Times every case `iterations` times, round-robin (case 1, case 2, …, case 1, …), so that each case
 * meets the same moments of whatever runs beside it — a roll-up catching up, calls arriving — rather
 * than the first case absorbing all of it. `warmup` rounds before the timed ones are discarded.
 */
export async function timeCases(app: RequestApp, cases: readonly BenchCase[], iterations: number, warmup = 0): Promise<CaseTiming[]> {
  const samples = cases.map(() => [] as number[]);
  for (let round = 0; round < warmup + iterations; round += 1) {
    for (const [index, entry] of cases.entries()) {
      const begun = performance.now();
      const response = await app.request(entry.url);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${entry.url} answered ${response.status}`);
      if (round >= warmup) samples[index]!.push(performance.now() - begun);
    }
  }
  const ms = (value: number | null) => Number((value ?? 0).toFixed(1));
  return cases.map((entry, index) => ({
    case: entry.name,
    p50_ms: ms(quantile(samples[index]!, 0.5)),
    p95_ms: ms(quantile(samples[index]!, 0.95)),
    max_ms: ms(Math.max(...samples[index]!)),
  }));
}
