import { mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { ensureDashboardBuilt } from '../api/dashboard-build.ts';
import { startApi } from '../api/serve.ts';
import type { Settings } from '../config/environment.ts';
import { requirePostgresAccess } from '../db/data-dir-access.ts';
import { startEmbeddedPostgres } from '../db/embedded-postgres.ts';
import { migrate } from '../db/migrate.ts';
import { createPool } from '../db/pool.ts';
import { logger } from '../logger.ts';
import { tracingFromEnvironment } from '../observability/tracing.ts';
import { loadProviderSetup } from '../providers/provider-setup.ts';
import { ensureTemporalCli } from '../temporal/cli-binary.ts';
import { startTemporalDevServer } from '../temporal/dev-server.ts';
import { startProviderRuntime } from '../worker/provider-runtime.ts';
import { startWorker } from '../worker/start-worker.ts';
import { readingSettingsFrom } from '../worker/reading-settings.ts';

export const EMBEDDED_POSTGRES_PORT = 54329;
export const DEV_TEMPORAL_PORT = 7233;
export const DEV_TEMPORAL_UI_PORT = 8233;

const say = (line: string) => process.stderr.write(`${line}\n`);

/** One line for a part that is up: its name, where it is, and how long it took to come up. */
function partUp(name: string, where: string, startedAt?: number) {
  const took = startedAt === undefined ? '' : `  (${((performance.now() - startedAt) / 1000).toFixed(1)} s)`;
  say(`  ${name.padEnd(18)} ${where}${took}`);
}

/** Hides the password of a connection string before it is printed. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * `quarry up`: the whole stack on one machine, one line per part as it comes up. Each part starts
 * only when the environment does not name an external one; parts stop in reverse order on Ctrl-C or
 * SIGTERM, so the worker finishes with Temporal and PostgreSQL still there, and no child outlives
 * the command.
 */
export async function up(settings: Settings): Promise<void> {
  // The terminal is for the lines below: JSON logs show warnings and errors unless asked for more.
  if (settings.QUARRY_LOG_LEVEL === undefined) logger.level = 'warn';
  const stops: Array<{ name: string; stop: () => Promise<void> }> = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const { name, stop } of stops.reverse()) {
        say(`Stopping ${name}...`);
        await stop().catch((error: unknown) => say(`  ${name} did not stop cleanly: ${String(error)}`));
      }
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void stopAll().then(() => process.exit(0));
    });
  }

  try {
    say(`Starting Quarry (data in ${settings.dataDir})`);
    // Before anything starts: an unusable data directory is one clear line, not a half-started stack.
    if (!settings.DATABASE_URL && userInfo().uid === 0) requirePostgresAccess(path.join(settings.dataDir, 'postgres'));
    // API and worker share this process, hence one tracer provider and one service name for both;
    // stopped last, so the spans of the parts stopping before it are exported.
    const tracing = await tracingFromEnvironment('quarry');
    if (tracing) stops.push({ name: 'tracing', stop: tracing.shutdown });
    await mkdir(settings.dataDir, { recursive: true });

    let temporalAddress = settings.TEMPORAL_ADDRESS;
    if (temporalAddress) {
      partUp('Temporal', `${temporalAddress} (external, namespace ${settings.TEMPORAL_NAMESPACE})`);
    } else {
      const cliPath = await ensureTemporalCli(say);
      const startedAt = performance.now();
      const server = await startTemporalDevServer({
        cliPath,
        dbFile: path.join(settings.dataDir, 'temporal.db'),
        port: DEV_TEMPORAL_PORT,
        uiPort: DEV_TEMPORAL_UI_PORT,
        namespace: settings.TEMPORAL_NAMESPACE,
        detached: true,
        log: (line) => logger.warn({ component: 'temporal' }, line),
      });
      stops.push({ name: 'Temporal', stop: server.stop });
      temporalAddress = server.address;
      partUp('Temporal', `${server.address}, UI ${server.uiUrl} (dev server, namespace ${settings.TEMPORAL_NAMESPACE})`, startedAt);
    }

    let databaseUrl = settings.DATABASE_URL;
    if (databaseUrl) {
      partUp('PostgreSQL', `${maskUrl(databaseUrl)} (external)`);
    } else {
      const startedAt = performance.now();
      const dataDir = path.join(settings.dataDir, 'postgres');
      const database = await startEmbeddedPostgres({ dataDir, port: EMBEDDED_POSTGRES_PORT, log: (line) => logger.debug({ component: 'postgres' }, line) });
      stops.push({ name: 'PostgreSQL', stop: database.stop });
      databaseUrl = database.url;
      partUp('PostgreSQL', `${maskUrl(databaseUrl)} (data in ${dataDir})`, startedAt);
    }

    const migratedAt = performance.now();
    const applied = await migrate(databaseUrl);
    partUp('Migrations', applied.length > 0 ? `${applied.length} applied` : 'up to date', migratedAt);

    const pool = createPool(databaseUrl);
    stops.push({ name: 'database pool', stop: () => pool.end() });
    const { catalog, endpoints, rateLimits } = loadProviderSetup(settings);
    const runtime = await startProviderRuntime(settings, catalog, endpoints);
    stops.push({ name: 'providers', stop: runtime.close });
    partUp('Providers', runtime.simulated ? `SIMULATED${runtime.simulatorUrl ? ` (simulator on ${runtime.simulatorUrl})` : ''}` : 'live');

    const workerAt = performance.now();
    const worker = await startWorker({
      temporalAddress,
      namespace: settings.TEMPORAL_NAMESPACE,
      taskQueue: settings.QUARRY_TASK_QUEUE,
      exportMetrics: true,
      usageRollups: { everySeconds: settings.QUARRY_ROLLUP_INTERVAL_S },
      dependencies: { pool, catalog, providers: runtime.providers, simulated: runtime.simulated, reading: readingSettingsFrom(settings) },
      rateLimits,
      plugins: tracing?.plugins,
    });
    stops.push({ name: 'worker', stop: worker.shutdown });
    worker.done.catch((error: unknown) => {
      say(`The worker stopped: ${String(error)}`);
      void stopAll().then(() => process.exit(1));
    });
    partUp('Worker', `polling ${settings.QUARRY_TASK_QUEUE}`, workerAt);

    // The API's client shares the worker's connection, so runs it starts begin eagerly on this
    // worker (temporal/eager-start.ts); the connection closes when the worker has stopped.
    const temporal = new Client({ connection: worker.connection, namespace: settings.TEMPORAL_NAMESPACE, interceptors: tracing?.clientInterceptors });
    const built = await ensureDashboardBuilt(say);
    if (built !== undefined) partUp('Dashboard', `built in ${built} s (its sources were newer than the last build)`);
    const api = await startApi({ pool, temporal, catalog, settings, simulated: runtime.simulated }, settings);
    stops.push({ name: 'API', stop: api.close });
    partUp('API and dashboard', api.url);

    say(`Quarry is up${runtime.simulated ? ' with SIMULATED providers (set a provider API key for live calls)' : ''}. Press Ctrl-C to stop.`);
    if (settings.QUARRY_LOG_LEVEL === undefined) say('Logs show warnings and errors; QUARRY_LOG_LEVEL=info shows every request and provider call.');
  } catch (error) {
    await stopAll();
    throw error;
  }
}
