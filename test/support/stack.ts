import { randomUUID } from 'node:crypto';
import { Client, Connection, type ClientInterceptors } from '@temporalio/client';
import { inject } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { loadSettings, type Settings } from '../../src/config/environment.ts';
import { createPool, type Pool } from '../../src/db/pool.ts';
import type { Catalog } from '../../src/providers/catalog.ts';
import { loadProviderSetup } from '../../src/providers/provider-setup.ts';
import { startProviderRuntime } from '../../src/worker/provider-runtime.ts';
import { startWorker, type RunningWorker, type WorkerOptions } from '../../src/worker/start-worker.ts';
import { readingSettingsFrom } from '../../src/worker/reading-settings.ts';

export interface TestStack {
  app: ReturnType<typeof createApp>;
  pool: Pool;
  temporal: Client;
  catalog: Catalog;
  settings: Settings;
  taskQueue: string;
  simulatorUrl: string | undefined;
  worker: RunningWorker | undefined;
  /** Replaces the in-process simulator's faults (`QUARRY_SIM_FAULTS` shape; `{}` clears them). */
  setFaults(faults: Record<string, unknown>): Promise<void>;
  /** Starts another worker on the same task queue (e.g. after killing the first). */
  startWorker(options?: Partial<Pick<WorkerOptions, 'identity'>>): Promise<RunningWorker>;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export interface TestStackOptions {
  /** `false`: no worker until the test starts one. */
  worker?: boolean;
  /** Overrides the workers' options, e.g. `{ workflowBundle: undefined, plugins }` to bundle with a plugin's interceptors. */
  workerOptions?: Partial<Pick<WorkerOptions, 'workflowBundle' | 'plugins' | 'usageRollups'>>;
  /** Interceptors of the API's Temporal client. */
  clientInterceptors?: ClientInterceptors;
}

/**
 * A worker on a task queue of its own, the in-process provider simulator, and the API app, over the
 * run's shared Temporal server and PostgreSQL. `env` overrides settings (faults, latency, retries).
 */
export async function startTestStack(env: Record<string, string> = {}, options: TestStackOptions = {}): Promise<TestStack> {
  const taskQueue = `test-${randomUUID()}`;
  const settings = loadSettings({
    QUARRY_TASK_QUEUE: taskQueue,
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    QUARRY_PROVIDERS: 'simulated',
    QUARRY_SIM_LATENCY_MS: '5',
    QUARRY_RETRY_INITIAL_MS: '50',
    QUARRY_CALL_TIMEOUT_MS: '5000',
    QUARRY_LOG_LEVEL: 'warn',
    ...env,
  });
  const pool = createPool(settings.DATABASE_URL!);
  const { catalog, endpoints, rateLimits } = loadProviderSetup(settings, { ...process.env, ...env });
  const runtime = await startProviderRuntime(settings, catalog, endpoints);
  const connection = await Connection.connect({ address: settings.TEMPORAL_ADDRESS! });
  const temporal = new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE, interceptors: options.clientInterceptors });
  const workers: RunningWorker[] = [];
  const newWorker = async (overrides: Partial<Pick<WorkerOptions, 'identity'>> = {}) => {
    const worker = await startWorker({
      temporalAddress: settings.TEMPORAL_ADDRESS!,
      namespace: settings.TEMPORAL_NAMESPACE,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      dependencies: { pool, catalog, providers: runtime.providers, simulated: runtime.simulated, reading: readingSettingsFrom(settings) },
      rateLimits,
      shutdownGraceTime: '2 seconds',
      ...options.workerOptions,
      ...overrides,
    });
    workers.push(worker);
    return worker;
  };
  const worker = options.worker === false ? undefined : await newWorker();
  const app = createApp({ pool, temporal, catalog, settings, simulated: runtime.simulated });

  return {
    app,
    pool,
    temporal,
    catalog,
    settings,
    taskQueue,
    simulatorUrl: runtime.simulatorUrl,
    worker,
    startWorker: newWorker,
    async setFaults(faults) {
      const response = await fetch(`${runtime.simulatorUrl}/__sim/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(faults),
      });
      if (response.status !== 200) throw new Error(`the simulator refused the faults: ${await response.text()}`);
    },
    async request(method, path, body, headers = {}) {
      const response = await app.request(path, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed };
    },
    async stop() {
      await Promise.all(workers.map((running) => running.shutdown().catch(() => undefined)));
      await connection.close();
      await runtime.close();
      await pool.end();
    },
  };
}

/** Polls `GET /queue/{id}` until the item reaches one of `statuses`. */
export async function waitForStatus(stack: TestStack, id: string, statuses: string[], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await stack.request('GET', `/queue/${id}`);
    if (statuses.includes(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`item ${id} is ${body.status}, not ${statuses.join('/')}, after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
