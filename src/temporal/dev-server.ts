import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from './names.ts';

export interface DevServerOptions {
  cliPath: string;
  /** SQLite file that keeps runs across restarts; omit for an in-memory server (tests). */
  dbFile?: string;
  ip?: string;
  port: number;
  /** Web UI port; omit to run headless. */
  uiPort?: number;
  namespace?: string;
  log?: (line: string) => void;
  /** Start in a process group of its own, so a terminal's Ctrl-C does not reach it first. */
  detached?: boolean;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` and resolves once its frontend answers a health check. The
 * contract's search attributes are registered on start, so the Temporal UI can filter runs by them.
 */
export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(options.port),
    '--namespace',
    options.namespace ?? 'default',
    '--log-level',
    'warn',
    // A client sharing a worker's connection (quarry up, the bench) starts runs eagerly: see eager-start.ts.
    '--dynamic-config-value',
    'system.enableEagerWorkflowStart=true',
    // A workflow task that schedules an activity on its own task queue gets the activity task back in
    // its completion's answer when the worker has a free slot: no matching, no poll. On by default in
    // the 1.32.2 server the production cluster runs; off in the 1.29.1 server inside the CLI's dev server.
    '--dynamic-config-value',
    'system.enableActivityEagerExecution=true',
    ...Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
  ];
  if (options.dbFile) {
    // WAL lets the UI's reads and the history service's writes proceed without blocking each other.
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=wal');
  }
  if (options.uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort), '--ui-ip', ip);

  // Its own process group: a Ctrl-C in the terminal reaches `quarry up` alone, which then stops the
  // worker before the server it talks to.
  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`temporal dev server exited early (code ${code}, signal ${signal}):\n${output}`)),
    );
    child.once('error', reject);
  });
  exited.catch(() => undefined);

  const address = `${ip}:${options.port}`;
  try {
    await Promise.race([waitForFrontend(address, 60_000), exited]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  child.stdout.removeListener('data', collect);
  child.stdout.resume();
  child.stderr.on('data', (chunk: Buffer) => options.log?.(chunk.toString('utf8').trimEnd()));

  return {
    address,
    uiUrl: options.uiPort === undefined ? undefined : `http://${ip}:${options.uiPort}`,
    process: child,
    stop: () => stopChild(child),
  };
}

/** Resolves once the frontend at `address` answers GetSystemInfo; rejects after `timeoutMs`. */
export async function waitForFrontend(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.ensureConnected();
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`Temporal at ${address} did not become ready within ${timeoutMs} ms: ${String(lastError)}`);
}

/** SIGTERM, then SIGKILL if the child has not exited within the grace period. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
