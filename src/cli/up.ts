import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startApi } from '../api/serve.ts';
import { ensureDashboardBuilt } from '../dashboard/build.ts';
import type { Settings } from '../config/environment.ts';
import { startEmbeddedPostgres } from '../db/embedded-postgres.ts';
import { migrate } from '../db/migrate.ts';
import { createPool } from '../db/pool.ts';
import { logger } from '../logger.ts';
import { tracingFromEnvironment } from '../observability/tracing.ts';
import { loadCatalog } from '../providers/catalog.ts';
import { ensureTemporalCli } from '../temporal/cli-binary.ts';
import { startTemporalDevServer } from '../temporal/dev-server.ts';
import { startProviderRuntime } from '../worker/provider-runtime.ts';
import { startWorker } from '../worker/start-worker.ts';

export const EMBEDDED_POSTGRES_PORT = 54329;
export const DEV_TEMPORAL_PORT = 7233;
export const DEV_TEMPORAL_UI_PORT = 8233;

const say = (line: string) => process.stderr.write(`${line}\n`);

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
 * `quarry up`: the whole stack on one machine. Each part starts only when the environment does not
 * name an external one; parts stop in reverse order on Ctrl-C or SIGTERM, so the worker finishes
 * with Temporal and PostgreSQL still there, and no child outlives the command.
 */
export async function up(settings: Settings): Promise<void> {
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
    // API and worker share this process, hence one tracer provider and one service name for both;
    // stopped last, so the spans of the parts stopping before it are exported.
    const tracing = await tracingFromEnvironment('quarry');
    if (tracing) stops.push({ name: 'tracing', stop: tracing.shutdown });
    await mkdir(settings.dataDir, { recursive: true });
    let temporalAddress = settings.TEMPORAL_ADDRESS;
    let temporalUi: string | undefined;
    if (!temporalAddress) {
      const cliPath = await ensureTemporalCli(say);
      say('Starting the Temporal dev server...');
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
      temporalUi = server.uiUrl;
    }

    let databaseUrl = settings.DATABASE_URL;
    if (!databaseUrl) {
      say('Starting PostgreSQL...');
      const database = await startEmbeddedPostgres({
        dataDir: path.join(settings.dataDir, 'postgres'),
        port: EMBEDDED_POSTGRES_PORT,
        log: (line) => logger.debug({ component: 'postgres' }, line),
      });
      stops.push({ name: 'PostgreSQL', stop: database.stop });
      databaseUrl = database.url;
    }

    const applied = await migrate(databaseUrl);
    if (applied.length > 0) say(`Applied migrations: ${applied.join(', ')}`);

    const pool = createPool(databaseUrl);
    stops.push({ name: 'database pool', stop: () => pool.end() });
    const catalog = loadCatalog({ extraFile: settings.QUARRY_MODELS_FILE });
    const runtime = await startProviderRuntime(settings, catalog);
    stops.push({ name: 'providers', stop: runtime.close });

    say('Starting the worker (it bundles the workflow code first)...');
    const worker = await startWorker({
      temporalAddress,
      namespace: settings.TEMPORAL_NAMESPACE,
      taskQueue: settings.QUARRY_TASK_QUEUE,
      exportMetrics: true,
      usageRollups: { everySeconds: settings.QUARRY_ROLLUP_INTERVAL_S },
      dependencies: { pool, catalog, providers: runtime.providers, simulated: runtime.simulated },
      plugins: tracing?.plugins,
    });
    stops.push({ name: 'worker', stop: worker.shutdown });
    worker.done.catch((error: unknown) => {
      say(`The worker stopped: ${String(error)}`);
      void stopAll().then(() => process.exit(1));
    });

    const connection = await Connection.connect({ address: temporalAddress });
    stops.push({ name: 'Temporal client', stop: () => connection.close() });
    const temporal = new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE, interceptors: tracing?.clientInterceptors });
    await ensureDashboardBuilt(say);
    const api = await startApi({ pool, temporal, catalog, settings, simulated: runtime.simulated }, settings);
    stops.push({ name: 'API', stop: api.close });

    say('');
    say(`Quarry is up${runtime.simulated ? ' with SIMULATED providers (set a provider API key for live calls)' : ''}.`);
    say(`  Dashboard and API  ${api.url}`);
    say(`  Temporal UI        ${temporalUi ?? '(external Temporal: use its own UI)'}`);
    say(`  Temporal           ${temporalAddress} (namespace ${settings.TEMPORAL_NAMESPACE})`);
    say(`  PostgreSQL         ${maskUrl(databaseUrl)}`);
    say('Press Ctrl-C to stop.');
  } catch (error) {
    await stopAll();
    throw error;
  }
}
