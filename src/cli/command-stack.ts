import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadSettings, type Settings } from '../config/environment.ts';
import { startEmbeddedPostgres } from '../db/embedded-postgres.ts';
import { migrate } from '../db/migrate.ts';
import { createPool, type Pool } from '../db/pool.ts';
import { freePort } from '../net/free-port.ts';
import type { Catalog } from '../providers/catalog.ts';
import { loadProviderSetup } from '../providers/provider-setup.ts';
import { ensureTemporalCli } from '../temporal/cli-binary.ts';
import { startTemporalDevServer } from '../temporal/dev-server.ts';
import { startProviderRuntime } from '../worker/provider-runtime.ts';
import { readingSettingsFrom } from '../worker/reading-settings.ts';
import { startWorker } from '../worker/start-worker.ts';

export interface CommandStack {
  pool: Pool;
  temporal: Client;
  catalog: Catalog;
  /** With the stack's own task queue: runs started with them go to its worker. */
  settings: Settings;
  simulated: boolean;
  stop(): Promise<void>;
}

export interface CommandStackOptions {
  /** Environment over `process.env` (simulator latency, faults...). */
  env?: Record<string, string>;
  /** Activities the worker runs at once. */
  concurrency?: number;
  /**
   * `throwaway`: a Temporal dev server and an embedded PostgreSQL of its own, deleted afterwards.
   * `configured`: `DATABASE_URL` and `TEMPORAL_ADDRESS` (or the local dev server) as set, so the
   * runs stay in that database and show in its dashboard.
   */
  services: 'throwaway' | 'configured';
  say: (line: string) => void;
}

/**
 * What a one-shot command that runs extractions (`quarry bench`, `quarry eval`) needs: PostgreSQL,
 * Temporal, and a worker of its own on a task queue of its own, with the providers the environment
 * configures (the simulator in-process unless keys or endpoints say otherwise). Everything it starts
 * is stopped by `stop()`, in reverse order.
 */
export async function startCommandStack(options: CommandStackOptions): Promise<CommandStack> {
  const stops: Array<() => Promise<void>> = [];
  // Once, whoever asks first (the command when it ends, or Ctrl-C meanwhile).
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      for (const step of stops.reverse()) await step().catch(() => undefined);
    })());
  try {
    const taskQueue = `command-${randomUUID()}`;
    let databaseUrl = process.env.DATABASE_URL;
    let temporalAddress = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
    if (options.services === 'throwaway') {
      const scratch = await mkdtemp(path.join(tmpdir(), 'quarry-command-'));
      // As root, PostgreSQL runs as the postgres user, which must be able to enter this directory.
      await chmod(scratch, 0o755);
      // Removed by `stop`, or (Ctrl-C ending the process first) as the process exits.
      const removeOnExit = () => rmSync(scratch, { recursive: true, force: true, maxRetries: 2 });
      process.once('exit', removeOnExit);
      stops.push(async () => {
        process.removeListener('exit', removeOnExit);
        await rm(scratch, { recursive: true, force: true });
      });
      options.say('Starting Temporal and PostgreSQL...');
      const server = await startTemporalDevServer({ cliPath: await ensureTemporalCli(options.say), port: await freePort() });
      // Ctrl-C may end the process before `stop` is done (embedded-postgres's signal hook exits it
      // once PostgreSQL is down): the dev server is then signalled as the process exits.
      const killOnExit = () => server.process.kill('SIGTERM');
      process.once('exit', killOnExit);
      stops.push(() => {
        process.removeListener('exit', killOnExit);
        return server.stop();
      });
      const database = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'postgres'), port: await freePort() });
      stops.push(database.stop);
      databaseUrl = database.url;
      temporalAddress = server.address;
    }
    if (!databaseUrl) throw new Error('DATABASE_URL is not set');
    await migrate(databaseUrl);
    const env = { ...process.env, ...options.env, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress, QUARRY_TASK_QUEUE: taskQueue };
    const settings = loadSettings(env);
    const pool = createPool(databaseUrl, Math.max(10, (options.concurrency ?? 10) + 5));
    stops.push(() => pool.end());
    const { catalog, endpoints, rateLimits } = loadProviderSetup(settings, env);
    const runtime = await startProviderRuntime(settings, catalog, endpoints);
    stops.push(runtime.close);
    const worker = await startWorker({
      temporalAddress,
      namespace: settings.TEMPORAL_NAMESPACE,
      taskQueue,
      ...(options.concurrency ? { maxConcurrentActivityTaskExecutions: options.concurrency } : {}),
      dependencies: { pool, catalog, providers: runtime.providers, simulated: runtime.simulated, reading: readingSettingsFrom(settings) },
      rateLimits,
      shutdownGraceTime: '5 seconds',
    });
    stops.push(worker.shutdown);
    const connection = await Connection.connect({ address: temporalAddress });
    stops.push(() => connection.close());
    const temporal = new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE });
    return { pool, temporal, catalog, settings, simulated: runtime.simulated, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
