import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres.ts';
import { createPool, type Pool } from '../../src/db/pool.ts';
import { freePort } from '../../src/net/free-port.ts';
import { invoice, mixedProviderConfig } from '../support/documents.ts';
import { isRunning, startClusterProcess, type ClusterProcess } from './cluster-process.ts';
import { stallsAround, type Fault } from './stalls.ts';

// The production topology under faults: `quarry cluster up` (two real Temporal server nodes on
// PostgreSQL, two workers, the API) runs a batch while the test SIGKILLs a Temporal node, restarts
// PostgreSQL (stop and start on the same data directory) and SIGKILLs both workers. The cluster's
// supervisor restarts what was killed, after --restart-delay, as compose or Kubernetes would.

const ITEMS = 48;
/** Items are started at this pace, so that the batch is in flight through every fault. */
const START_EVERY_MS = 1500;
const RESTART_DELAY_S = 10;
const root = path.resolve(import.meta.dirname, '../..');

let scratch: string;
let database: EmbeddedDatabase;
let databasePort: number;
let pool: Pool;
let cluster: ClusterProcess;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'quarry-cluster-'));
  // As root, PostgreSQL runs as the postgres user, which must be able to enter this directory.
  await chmod(scratch, 0o755);
  databasePort = await freePort();
  database = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'postgres'), port: databasePort });
  pool = createPool(database.url, 4);
  // A loopback /24 of its own, so that a `quarry cluster up` on the default 127.0.10.x is no obstacle.
  const loopback = `127.0.${100 + Math.floor(Math.random() * 150)}`;
  cluster = await startClusterProcess(
    ['--nodes', '2', '--workers', '2', '--ui-port', String(await freePort()), '--loopback', loopback, '--restart-delay', String(RESTART_DELAY_S)],
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: database.url,
      PORT: String(await freePort()),
      QUARRY_DATA_DIR: path.join(scratch, 'data'),
      QUARRY_PROVIDERS: 'simulated',
      QUARRY_SIM_LATENCY_MS: '300',
      // A killed worker's activity is retried elsewhere once its start-to-close timeout (this + 5 s) runs out.
      QUARRY_CALL_TIMEOUT_MS: '5000',
      QUARRY_RETRY_INITIAL_MS: '200',
      QUARRY_LOG_LEVEL: 'warn',
      QUARRY_METRICS_PORT: '0',
    },
    // A warm build links the binaries again only when .tools is new (CI's fresh checkout).
    900_000,
  );
}, 960_000);

afterAll(async () => {
  await cluster?.stop();
  await pool?.end();
  await database?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function api(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${cluster.summary.api}${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Starts one item's run as a client would: a refusal while a dependency is down is tried again. */
async function startRun(id: string): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await api('POST', `/queue/process/${id}`, mixedProviderConfig).catch(() => ({ status: 0, body: undefined }));
    // 409: an earlier attempt that timed out on the client's side did start it.
    if (response.status === 202 || response.status === 409) return attempt;
    if (attempt > 120) throw new Error(`item ${id} could not be started: ${response.status} ${JSON.stringify(response.body)}`);
    await sleep(1000);
  }
}

describe('quarry cluster up under faults', () => {
  it('prints the contract summary once healthy', () => {
    expect(cluster.summary.temporal).toHaveLength(2);
    expect(new Set(cluster.summary.temporal.map((node) => node.address)).size).toBe(2);
    expect(cluster.summary.workers).toHaveLength(2);
    expect(cluster.summary.database).not.toContain('quarry:quarry@');
  });

  it('finishes every item of a batch once, through a node kill, a PostgreSQL restart and killed workers', async () => {
    const created = await api('POST', '/queue/batch', { items: Array.from({ length: ITEMS }, (_, n) => invoice(n)) });
    expect(created.status).toBe(201);
    const ids: string[] = created.body.ids;

    const faults: Fault[] = [];
    const startAttempts: number[] = [];
    const feeding = (async () => {
      for (const id of ids) {
        const startedAt = Date.now();
        startAttempts.push(await startRun(id));
        await sleep(Math.max(0, START_EVERY_MS - (Date.now() - startedAt)));
      }
    })();

    // 1. A Temporal node dies. Node 2 is the one the API does not talk to: clients on the survivor
    //    carry on while its shards and task queue partitions move over.
    await sleep(12_000);
    const victim = cluster.summary.temporal[1]!;
    process.kill(victim.pid, 'SIGKILL');
    const nodeKilledAt = Date.now();
    faults.push({ name: `SIGKILL Temporal node ${victim.address}`, at: nodeKilledAt });
    const nodeBack = await cluster.waitForLine(/^temporal-2 is back/, nodeKilledAt, 180_000);
    const whileNodeDown = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM model_usage WHERE queue_item_id = ANY($1) AND created_at > to_timestamp($2 / 1000.0) AND created_at < to_timestamp($3 / 1000.0)',
      [ids, nodeKilledAt, nodeBack.at],
    );
    await sleep(8_000);

    // 2. PostgreSQL stops and starts again on the same data directory and port.
    faults.push({ name: 'restart PostgreSQL', at: Date.now() });
    await database.stop();
    await sleep(3_000);
    database = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'postgres'), port: databasePort });
    await sleep(10_000);

    // 3. Both workers die, the second 6 s after the first; their in-flight activities time out and
    //    run again on the restarted workers.
    faults.push({ name: 'SIGKILL worker 1, and worker 2 6 s later', at: Date.now() });
    for (const worker of cluster.summary.workers) {
      process.kill(worker.pid, 'SIGKILL');
      await sleep(6_000);
    }

    await feeding;
    const deadline = Date.now() + 300_000;
    for (;;) {
      const open = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ai_extraction_queue WHERE id = ANY($1) AND status NOT IN ('completed', 'failed', 'cancelled')`, [ids]);
      if (open.rows[0]!.n === 0) break;
      if (Date.now() > deadline) throw new Error(`${open.rows[0]!.n} items still open after the faults`);
      await sleep(1000);
    }

    // Every item completed, each finalised by exactly one run, and no ledger key twice.
    const statuses = await pool.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM ai_extraction_queue WHERE id = ANY($1) GROUP BY 1', [ids]);
    expect(statuses.rows).toEqual([{ status: 'completed', n: ITEMS }]);
    const runs = await pool.query<{ queue_item_id: string; n: number }>('SELECT queue_item_id, count(*)::int AS n FROM configuration_runs WHERE queue_item_id = ANY($1) GROUP BY 1', [ids]);
    expect(runs.rows).toHaveLength(ITEMS);
    expect(runs.rows.filter((row) => row.n !== 1)).toEqual([]);
    const ledger = await pool.query<{ rows: number; keys: number; items: number }>(
      'SELECT count(*)::int AS rows, count(DISTINCT call_key)::int AS keys, count(DISTINCT queue_item_id)::int AS items FROM model_usage WHERE queue_item_id = ANY($1)',
      [ids],
    );
    expect(ledger.rows[0]).toEqual({ rows: ledger.rows[0]!.keys, keys: ledger.rows[0]!.keys, items: ITEMS });
    // The survivor carried on: calls were recorded while node 2 was down.
    expect(whileNodeDown.rows[0]!.n).toBeGreaterThan(0);
    // The supervisor brought back the node and both workers.
    expect(cluster.lines.filter((line) => /^(temporal-2|worker-1|worker-2) is back/.test(line.text)).length).toBeGreaterThanOrEqual(3);

    // Measured, not asserted: how long progress stopped at each fault.
    const progress = await pool.query<{ at: number }>(
      `SELECT (extract(epoch FROM created_at) * 1000)::float8 AS at FROM model_usage WHERE queue_item_id = ANY($1)
       UNION ALL SELECT (extract(epoch FROM finished_at) * 1000)::float8 FROM ai_extraction_queue WHERE id = ANY($1)`,
      [ids],
    );
    const stalls = stallsAround(progress.rows.map((row) => row.at), faults);
    const report = {
      items: ITEMS,
      startEveryMs: START_EVERY_MS,
      restartDelayS: RESTART_DELAY_S,
      callsWhileNodeDown: whileNodeDown.rows[0]!.n,
      nodeDownMs: nodeBack.at - nodeKilledAt,
      startRetries: startAttempts.reduce((sum, attempts) => sum + attempts - 1, 0),
      baselineLongestGapMs: Math.round(stalls.baselineMs),
      stalls: stalls.faults.map((fault) => ({ fault: fault.name, stallMs: Math.round(fault.stallMs) })),
    };
    await mkdir(path.join(root, 'test-results'), { recursive: true });
    await writeFile(path.join(root, 'test-results', 'cluster-faults.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`cluster faults: ${JSON.stringify(report, null, 2)}`);
  });

  it('stops every process it started on SIGTERM', async () => {
    const pids = cluster.allPids();
    expect(pids.length).toBeGreaterThanOrEqual(4);
    const exit = await cluster.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(pids.filter(isRunning)).toEqual([]);
    // The API and the UI (whose pids the summary does not name) are gone too.
    for (const url of [`${cluster.summary.api}/health`, cluster.summary.ui]) {
      await expect(fetch(url, { signal: AbortSignal.timeout(5000) })).rejects.toThrow();
    }
  });
});
