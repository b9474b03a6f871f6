import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../api/app.ts';
import { generateSyntheticLedger } from '../analytics/synthetic-ledger.ts';
import { quantile } from '../analytics/statistics.ts';
import type { Settings } from '../config/environment.ts';
import { startEmbeddedPostgres } from '../db/embedded-postgres.ts';
import { migrate } from '../db/migrate.ts';
import { createPool } from '../db/pool.ts';
import { refreshUsageRollups } from '../db/usage-rollups.ts';
import { loadProviderSetup } from '../providers/provider-setup.ts';
import { freePort } from '../net/free-port.ts';

export interface BenchAnalyticsOptions {
  rows: number;
  days: number;
  iterations: number;
  configurations: number;
  /** An existing database to write the synthetic rows into; otherwise a throwaway embedded one. */
  databaseUrl?: string | undefined;
  json: boolean;
}

const seconds = (since: number) => Number(((performance.now() - since) / 1000).toFixed(1));

/**
 * `quarry bench-analytics`: fills a ledger with N synthetic calls over the last D days (50 models'
 * worth of configurations, every stage), rolls them up, then times the analytics routes in-process
 * (`app.request`, so validation, SQL and JSON are all counted) for several filters, first on a quiet
 * ledger and then with calls arriving in the current hour (read from the ledger, not the roll-ups).
 */
export async function benchAnalytics(settings: Settings, options: BenchAnalyticsOptions, say: (line: string) => void) {
  let scratch: string | undefined;
  let stopDatabase: (() => Promise<void>) | undefined;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    scratch = await mkdtemp(path.join(tmpdir(), 'quarry-bench-'));
    const { chmod } = await import('node:fs/promises');
    await chmod(scratch, 0o755);
    const database = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'postgres'), port: await freePort() });
    stopDatabase = database.stop;
    databaseUrl = database.url;
  }
  const pool = createPool(databaseUrl, 4);
  try {
    await migrate(databaseUrl);
    const { catalog } = loadProviderSetup(settings);
    const models = catalog.list().map((model) => ({ id: model.id, provider: model.provider }));
    const configurations = Array.from({ length: options.configurations }, () => randomUUID());
    const to = new Date();
    const from = new Date(to.getTime() - options.days * 86_400_000);

    let started = performance.now();
    await generateSyntheticLedger(pool, {
      rows: options.rows,
      from,
      to: new Date(to.getTime() - 3_600_000),
      tag: `bench-${randomUUID()}`,
      models,
      configurations,
      onProgress: (written) => say(`  ${written.toLocaleString('en')} rows (${seconds(started)} s)`),
    });
    const generateSeconds = seconds(started);
    started = performance.now();
    const refreshed = await refreshUsageRollups(pool);
    const refreshSeconds = seconds(started);
    await pool.query('ANALYZE model_usage; ANALYZE usage_rollup_hourly; ANALYZE usage_rollup_daily; ANALYZE usage_rollup_dirty');
    const counts = await pool.query<{ ledger: string; hourly: string; daily: string }>(
      `SELECT (SELECT count(*) FROM model_usage) AS ledger, (SELECT count(*) FROM usage_rollup_hourly) AS hourly, (SELECT count(*) FROM usage_rollup_daily) AS daily`,
    );
    say(`generated ${options.rows.toLocaleString('en')} rows in ${generateSeconds} s; roll-up of ${refreshed.hours} hours in ${refreshSeconds} s`);

    const app = createApp({ pool, temporal: undefined as never, catalog, settings, simulated: true });
    const iso = (date: Date) => encodeURIComponent(date.toISOString());
    const hourAgo = new Date(to.getTime() - 3_600_000);
    const dayAgo = new Date(to.getTime() - 86_400_000 - 1_234_567);
    const weekAgo = new Date(to.getTime() - 7 * 86_400_000 - 7_654_321);
    const cases: Array<[string, string]> = [
      ['all time, no filter', '/analytics/models'],
      ['last 24 h (ragged edges)', `/analytics/models?from=${iso(dayAgo)}&to=${iso(hourAgo)}`],
      ['last 7 days (ragged edges)', `/analytics/models?from=${iso(weekAgo)}`],
      ['stage=extract', '/analytics/models?stage=extract'],
      ['model=gpt-4.1-mini', '/analytics/models?model=gpt-4.1-mini'],
      ['provider=anthropic, last 7 days', `/analytics/models?provider=anthropic&from=${iso(weekAgo)}`],
      ['configuration_id (one of 50)', `/analytics/models?configuration_id=${configurations[0]}`],
      ['configuration_id + stage + last 7 days', `/analytics/models?configuration_id=${configurations[1]}&stage=review&from=${iso(weekAgo)}`],
      ['configurations, no filter', '/analytics/configurations'],
    ];

    const time = async (url: string) => {
      const samples: number[] = [];
      for (let i = 0; i < options.iterations + 3; i += 1) {
        const begun = performance.now();
        const response = await app.request(url);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
        if (i >= 3) samples.push(performance.now() - begun);
      }
      return { p50_ms: Number(quantile(samples, 0.5)!.toFixed(1)), p95_ms: Number(quantile(samples, 0.95)!.toFixed(1)) };
    };

    const quiet: Array<{ case: string; p50_ms: number; p95_ms: number }> = [];
    for (const [name, url] of cases) quiet.push({ case: name, ...(await time(url)) });

    // Live traffic: calls in the current hour keep it dirty, so that hour is read from the ledger.
    await generateSyntheticLedger(pool, {
      rows: Math.max(1000, Math.round(options.rows / (options.days * 24))),
      from: new Date(to.getTime() - 3_000_000),
      to,
      tag: `bench-live-${randomUUID()}`,
      models,
      configurations,
    });
    const live: Array<{ case: string; p50_ms: number; p95_ms: number }> = [];
    for (const [name, url] of cases.slice(0, 3)) live.push({ case: `${name}, current hour dirty`, ...(await time(url)) });

    started = performance.now();
    await pool.query('SELECT count(*) FROM model_performance_analytics');
    const viewSeconds = seconds(started);

    const report = {
      rows: Number(counts.rows[0]!.ledger),
      rollup_rows: { hourly: Number(counts.rows[0]!.hourly), daily: Number(counts.rows[0]!.daily) },
      days: options.days,
      iterations: options.iterations,
      generate_seconds: generateSeconds,
      refresh_seconds: refreshSeconds,
      unrolled_view_seconds: viewSeconds,
      quiet,
      live,
    };
    if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      say(`\n${report.rows.toLocaleString('en')} ledger rows; roll-ups: ${report.rollup_rows.hourly} hourly, ${report.rollup_rows.daily} daily rows`);
      say(`the plain view model_performance_analytics (no roll-ups) over the whole ledger: ${viewSeconds} s`);
      say(`\n| request | p50 ms | p95 ms |\n| --- | ---: | ---: |`);
      for (const row of [...quiet, ...live]) say(`| ${row.case} | ${row.p50_ms} | ${row.p95_ms} |`);
    }
    return report;
  } finally {
    await pool.end();
    await stopDatabase?.();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}
