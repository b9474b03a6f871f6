import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createApp } from '../api/app.ts';
import { generateSyntheticLedger, syntheticModelIndex } from '../analytics/synthetic-ledger.ts';
import type { Settings } from '../config/environment.ts';
import { startEmbeddedPostgres } from '../db/embedded-postgres.ts';
import { migrate } from '../db/migrate.ts';
import { createPool } from '../db/pool.ts';
import { logger } from '../logger.ts';
import { loadProviderSetup } from '../providers/provider-setup.ts';
import { freePort } from '../net/free-port.ts';
import { benchCases, timeCases, type CaseTiming } from './bench-analytics-requests.ts';
import { loadRange, type Scenario } from './bench-analytics-scenarios.ts';
import { liveCalls, rollupDriver } from './bench-analytics-traffic.ts';
import { ROLLUP_MAX_MS } from '../temporal/usage-rollup-schedule.ts';

export interface BenchAnalyticsOptions {
  rows: number;
  days: number;
  /** The burst scenario's calls lie in the last this many minutes (by default: the current hour so far, at least ten minutes). */
  burstMinutes?: number | undefined;
  iterations: number;
  configurations: number;
  scenarios: Scenario[];
  /** Calls a second written one by one (as the ledger activity does) while the rolled-up state is timed. */
  liveCallsPerSecond: number;
  /** A PostgreSQL server to create the scenarios' databases on (dropped afterwards); otherwise a throwaway embedded one. */
  databaseUrl?: string | undefined;
  json: boolean;
}

export interface ScenarioReport {
  scenario: Scenario;
  rows: number;
  runs: number;
  load_seconds: number;
  /** From the end of the load until nothing was left to roll up. */
  catch_up_seconds: number;
  backlog_after_first_phase: string;
  unrolled_view_seconds: number;
  right_after_load: CaseTiming[];
  rolled_up_with_live_calls: CaseTiming[];
  live_calls_written: number;
}

const seconds = (since: number) => Number(((performance.now() - since) / 1000).toFixed(1));

/**
 * `quarry bench-analytics`: per scenario, in a database of its own, loads N synthetic calls (and the
 * runs they belong to) with `INSERT … SELECT`, then times every analytics request — first right after
 * the load, while the roll-ups catch up, then once they have, with calls arriving one by one.
 */
export async function benchAnalytics(settings: Settings, options: BenchAnalyticsOptions, say: (line: string) => void): Promise<ScenarioReport[]> {
  let scratch: string | undefined;
  let stopServer: (() => Promise<void>) | undefined;
  let serverUrl = options.databaseUrl;
  if (!serverUrl) {
    scratch = await mkdtemp(path.join(tmpdir(), 'quarry-bench-'));
    await chmod(scratch, 0o755);
    const database = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'postgres'), port: await freePort() });
    stopServer = database.stop;
    serverUrl = database.url;
  }
  const reports: ScenarioReport[] = [];
  // Thousands of timed requests would each log a line; only warnings matter here.
  const level = logger.level;
  if (!process.env.QUARRY_LOG_LEVEL) logger.level = 'warn';
  try {
    for (const scenario of options.scenarios) {
      reports.push(await withDatabase(serverUrl, scenario, (url) => runScenario(settings, options, scenario, url, say)));
    }
  } finally {
    logger.level = level;
    await stopServer?.();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
  if (options.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  else for (const report of reports) printReport(report, say);
  return reports;
}

async function withDatabase<T>(serverUrl: string, scenario: Scenario, work: (url: string) => Promise<T>): Promise<T> {
  const name = `quarry_bench_${scenario}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    try {
      return await work(url.toString());
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

async function runScenario(settings: Settings, options: BenchAnalyticsOptions, scenario: Scenario, databaseUrl: string, say: (line: string) => void): Promise<ScenarioReport> {
  await migrate(databaseUrl);
  const pool = createPool(databaseUrl, 8);
  try {
    const { catalog } = loadProviderSetup(settings);
    const models = catalog.list().map((model) => ({ id: model.id, provider: model.provider }));
    const configurations = Array.from({ length: options.configurations }, () => randomUUID());
    const now = new Date();
    const range = loadRange(scenario, now, options.days, options.burstMinutes);
    say(`${scenario}: ${options.rows.toLocaleString('en')} calls from ${range.from.toISOString()} to ${range.to.toISOString()}`);

    let started = performance.now();
    await generateSyntheticLedger(pool, {
      rows: options.rows,
      ...range,
      tag: `bench-${randomUUID()}`,
      models,
      configurations,
      runs: { documents: 2000, labelledEvery: 10 },
      onProgress: (written) => say(`  ${written.toLocaleString('en')} rows (${seconds(started)} s)`),
    });
    const loadSeconds = seconds(started);
    const loaded = performance.now();

    const driver = rollupDriver(pool, { everySeconds: settings.QUARRY_ROLLUP_INTERVAL_S, maxMs: ROLLUP_MAX_MS });
    const app = createApp({ pool, temporal: undefined as never, catalog, settings, simulated: true });
    const cases = benchCases(new Date(), configurations, models[syntheticModelIndex(0, 1, models.length)]!.id);

    // Right after the load: the roll-up's catch-up begins as the requests do.
    let rolling = driver.start();
    say(`  timing ${cases.length} requests × ${options.iterations} right after the load...`);
    const rightAfter = await timeCases(app, cases, options.iterations);
    const backlog = await driver.backlog();
    await driver.drain();
    const catchUpSeconds = seconds(loaded);
    await rolling.stop();
    say(`  caught up ${catchUpSeconds} s after the load (backlog after the first phase: ${backlog})`);
    // Autovacuum would have vacuumed and analysed the freshly loaded tables by now (inserts trigger it);
    // the benchmark does not wait for it.
    await pool.query('VACUUM ANALYZE');

    const live = liveCalls(pool, { perSecond: options.liveCallsPerSecond, models, configurations });
    rolling = driver.start();
    say(`  timing again, rolled up, with ${options.liveCallsPerSecond} calls/s arriving...`);
    const rolledUp = await timeCases(app, cases, options.iterations, 1);
    await live.stop();
    await rolling.stop();

    started = performance.now();
    await pool.query('SELECT count(*) FROM model_performance_analytics');
    const viewSeconds = seconds(started);
    const counts = await pool.query<{ rows: string; runs: string }>(
      'SELECT (SELECT count(*) FROM model_usage) AS rows, (SELECT count(*) FROM configuration_runs) AS runs',
    );
    return {
      scenario,
      rows: Number(counts.rows[0]!.rows),
      runs: Number(counts.rows[0]!.runs),
      load_seconds: loadSeconds,
      catch_up_seconds: catchUpSeconds,
      backlog_after_first_phase: backlog,
      unrolled_view_seconds: viewSeconds,
      right_after_load: rightAfter,
      rolled_up_with_live_calls: rolledUp,
      live_calls_written: live.written(),
    };
  } finally {
    await pool.end();
  }
}

function printReport(report: ScenarioReport, say: (line: string) => void) {
  say(`\n## ${report.scenario}: ${report.rows.toLocaleString('en')} ledger rows, ${report.runs.toLocaleString('en')} runs`);
  say(`load ${report.load_seconds} s; caught up ${report.catch_up_seconds} s after it; backlog after the first phase: ${report.backlog_after_first_phase}`);
  say(`the plain view model_performance_analytics over the whole ledger: ${report.unrolled_view_seconds} s`);
  say(`\n| request | right after the load p50 / p95 / max ms | rolled up, calls arriving p50 / p95 / max ms |\n| --- | ---: | ---: |`);
  report.right_after_load.forEach((after, index) => {
    const rolled = report.rolled_up_with_live_calls[index]!;
    say(`| ${after.case} | ${after.p50_ms} / ${after.p95_ms} / ${after.max_ms} | ${rolled.p50_ms} / ${rolled.p95_ms} / ${rolled.max_ms} |`);
  });
}
