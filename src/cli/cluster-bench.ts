import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { quantile } from '../analytics/statistics.ts';
import { createPool, type Pool } from '../db/pool.ts';
import { freePort } from '../net/free-port.ts';
import { startCluster, type RunningCluster } from './cluster.ts';

export interface ClusterBenchOptions {
  items: number;
  /** Worker counts to measure, in rising order: each round adds workers to the last one's. */
  workers: number[];
  nodes: number;
  latencyMs: number;
  json: boolean;
}

export interface ScaleRound {
  workers: number;
  items: number;
  seconds: number;
  itemsPerSecond: number;
  p50LatencyMs: number;
  p95LatencyMs: number;
}

/** Every stage a configuration can use, one model each, all answering in the simulated latency. */
const BENCH_CONFIGURATION = {
  temperature: 0,
  orchestrator_model: 'gemini-3.5-flash',
  stage_models: { classify: ['gemini-3.5-flash'], extract: ['gemini-3.5-flash'], validate: ['gemini-3.5-flash'] },
};

const benchItem = (n: number) => ({
  document: { text: ['Document type: invoice', `Invoice Number: S-${10_000 + n}`, `Total Amount: ${(n * 3.17 + 20).toFixed(2)}`].join('\n') },
  schema: {
    name: 'invoice',
    fields: [
      { name: 'invoice_number', type: 'string', description: 'The invoice number', required: true },
      { name: 'total_amount', type: 'number', description: 'Total due', required: true },
    ],
  },
});

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const parsed: unknown = await response.json();
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

/** Queues `count` items, starts them all as fast as the API takes them, waits for every one to finish. */
async function runBatch(cluster: RunningCluster, pool: Pool, count: number, offset: number): Promise<Omit<ScaleRound, 'workers'>> {
  const { ids } = (await post(`${cluster.api}/queue/batch`, { items: Array.from({ length: count }, (_, n) => benchItem(offset + n)) })) as { ids: string[] };
  const firstStart = Date.now();
  const startedAt = new Map<string, number>();
  for (const id of ids) {
    startedAt.set(id, Date.now());
    await post(`${cluster.api}/queue/process/${id}`, BENCH_CONFIGURATION);
  }
  const deadline = Date.now() + 30 * 60_000;
  let rows: Array<{ id: string; status: string; finished: number | null }> = [];
  for (;;) {
    const result = await pool.query<{ id: string; status: string; finished: number | null }>(
      'SELECT id, status, (extract(epoch FROM finished_at) * 1000)::float8 AS finished FROM ai_extraction_queue WHERE id = ANY($1)',
      [ids],
    );
    rows = result.rows;
    if (rows.every((row) => row.finished !== null)) break;
    if (Date.now() > deadline) throw new Error('the batch did not finish within 30 minutes');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const failed = rows.filter((row) => row.status !== 'completed');
  if (failed.length > 0) throw new Error(`${failed.length} items did not complete (${failed[0]!.status})`);
  const latencies = rows.map((row) => row.finished! - startedAt.get(row.id)!);
  const seconds = (Math.max(...rows.map((row) => row.finished!)) - firstStart) / 1000;
  return {
    items: count,
    seconds,
    itemsPerSecond: count / seconds,
    p50LatencyMs: quantile(latencies, 0.5) ?? 0,
    p95LatencyMs: quantile(latencies, 0.95) ?? 0,
  };
}

/**
 * `quarry cluster bench`: the same batch through a throwaway cluster (embedded PostgreSQL, N nodes)
 * with 1, 2, 4... workers, on simulated providers of latency L. Items per second and item latency
 * (start request to finished) per worker count; everything it starts is stopped afterwards.
 */
export async function clusterBench(options: ClusterBenchOptions, say: (line: string) => void): Promise<ScaleRound[]> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'quarry-cluster-bench-'));
  // As root, PostgreSQL runs as the postgres user, which must be able to enter this directory.
  await chmod(scratch, 0o755);
  let cluster: RunningCluster | undefined;
  let pool: Pool | undefined;
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: '',
      QUARRY_DATA_DIR: scratch,
      PORT: String(await freePort()),
      QUARRY_PROVIDERS: 'simulated',
      QUARRY_SIM_LATENCY_MS: String(options.latencyMs),
      QUARRY_SIM_FAULTS: '',
      QUARRY_METRICS_PORT: '0',
      QUARRY_LOG_LEVEL: 'warn',
    };
    cluster = await startCluster(
      env,
      { nodes: options.nodes, workers: 0, uiPort: await freePort(), loopback: `127.0.${60 + Math.floor(Math.random() * 30)}`, restartDelayMs: 2000, postgresPort: await freePort() },
      (line) => !options.json && say(line),
    );
    pool = createPool(cluster.databaseUrl, 4);
    const rounds: ScaleRound[] = [];
    let offset = 0;
    for (const workers of options.workers) {
      while (cluster.workers.length < workers) await cluster.addWorker();
      // A few items first, so that each new worker has its caches and connections warm.
      await runBatch(cluster, pool, Math.min(5, options.items), offset);
      offset += 5;
      const round = { workers, ...(await runBatch(cluster, pool, options.items, offset)) };
      offset += options.items;
      rounds.push(round);
      if (!options.json) {
        say(`  ${workers} worker(s): ${round.itemsPerSecond.toFixed(2)} items/s, p50 ${Math.round(round.p50LatencyMs)} ms, p95 ${Math.round(round.p95LatencyMs)} ms`);
      }
    }
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ nodes: options.nodes, latency_ms: options.latencyMs, cpus: cpus().length, rounds })}\n`);
    } else {
      say('');
      say(`| workers | items | items/s | p50 item latency | p95 item latency |`);
      say(`| ---: | ---: | ---: | ---: | ---: |`);
      for (const round of rounds) {
        say(`| ${round.workers} | ${round.items} | ${round.itemsPerSecond.toFixed(2)} | ${(round.p50LatencyMs / 1000).toFixed(1)} s | ${(round.p95LatencyMs / 1000).toFixed(1)} s |`);
      }
      say(`(${options.nodes} Temporal nodes, simulated calls of ${options.latencyMs} ms, ${cpus().length} CPUs)`);
    }
    return rounds;
  } finally {
    await pool?.end();
    await cluster?.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}
