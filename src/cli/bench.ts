import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { loadSettings } from '../config/environment.ts';
import { startEmbeddedPostgres } from '../db/embedded-postgres.ts';
import { migrate } from '../db/migrate.ts';
import { createPool, toNumber } from '../db/pool.ts';
import { anonymousConfigurationId } from '../db/configurations.ts';
import type { ModelConfig } from '../contract/model-config.ts';
import { logger } from '../logger.ts';
import { loadProviderSetup } from '../providers/provider-setup.ts';
import { acceptUpload } from '../intake/upload.ts';
import { storeItems } from '../runs/queue-documents.ts';
import { simulatorBaseUrls } from '../providers/simulator/server.ts';
import { startExtraction } from '../runs/start-extraction.ts';
import { ensureTemporalCli } from '../temporal/cli-binary.ts';
import { startTemporalDevServer } from '../temporal/dev-server.ts';
import { startProviderRuntime } from '../worker/provider-runtime.ts';
import { startWorker } from '../worker/start-worker.ts';
import { readingSettingsFrom } from '../worker/reading-settings.ts';
import { freePort } from '../net/free-port.ts';
import { quantile } from '../analytics/statistics.ts';
import { bucketOf, type RateLimitSetting } from '../config/rate-limits.ts';
import { countEagerStarts, countRoundTrips, cpuMsByTree, historyStats, ownCpuMs, startCpuProfile } from './bench-measures.ts';
import { printBench, type BenchResult } from './bench-report.ts';
import { startSimulatorProcess } from './simulator-process.ts';

export interface BenchOptions {
  items: number;
  latencyMs: number;
  concurrency: number;
  /** The bench model's rate limit: the simulator enforces it and Quarry is told it. */
  rpm?: number | undefined;
  /** Write a CPU profile of the worker's process (the bench's own) over the run to this file. */
  cpuProf?: string | undefined;
  json: boolean;
}

/** A model whose simulated latency factor is 1, so that one call takes the given latency. */
const BENCH_MODEL = 'gemini-3.5-flash';
const STAGES = 6;
const PROBE_ITEMS = 5;

function benchDocument(n: number) {
  const text = [`Document type: invoice`, `Invoice Number: B-${10_000 + n}`, `Total Amount: ${(n * 3.17 + 20).toFixed(2)}`, `Issue Date: 2026-0${(n % 9) + 1}-15`].join('\n');
  return {
    document: acceptUpload({ text }, Number.MAX_SAFE_INTEGER),
    schema: {
      name: 'invoice',
      fields: [
        { name: 'invoice_number', type: 'string' as const, description: '', required: true },
        { name: 'total_amount', type: 'number' as const, description: '', required: true },
        { name: 'issue_date', type: 'date' as const, description: '', required: false },
      ],
    },
    metadata: { bench: true },
  };
}

/**
 * `quarry bench`: N items through the real stack — a Temporal dev server, an embedded PostgreSQL,
 * one worker allowed C concurrent activities, the simulator (a process of its own) answering each
 * call in L ms — and what it measured against what C concurrent calls of latency L allow, with what
 * each run cost: history events, workflow tasks, PostgreSQL round trips per activity and the CPU of
 * each component. With `rpm`, the simulator refuses the bench model's calls above R a minute and
 * Quarry is given the same limit. Everything it starts is its own and is stopped afterwards.
 */
export async function bench(options: BenchOptions, say: (line: string) => void): Promise<void> {
  const stops: Array<() => Promise<void>> = [];
  if (!process.env.QUARRY_LOG_LEVEL) logger.level = 'warn';
  try {
    const scratch = await mkdtemp(path.join(tmpdir(), 'quarry-bench-'));
    await chmod(scratch, 0o755);
    stops.push(() => rm(scratch, { recursive: true, force: true }));
    say(`Starting Temporal and PostgreSQL for ${options.items} items, ${options.latencyMs} ms per call, ${options.concurrency} concurrent calls...`);
    const server = await startTemporalDevServer({ cliPath: await ensureTemporalCli(say), port: await freePort() });
    stops.push(server.stop);
    const dataDir = path.join(scratch, 'postgres');
    const database = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    stops.push(database.stop);
    await migrate(database.url);
    const simulator = await startSimulatorProcess({
      QUARRY_SIM_LATENCY_MS: String(options.latencyMs),
      QUARRY_SIM_RATE_LIMITS: options.rpm ? JSON.stringify({ [BENCH_MODEL]: { rpm: options.rpm } }) : '',
    });
    stops.push(simulator.stop);
    const urls = simulatorBaseUrls(simulator.url);

    const taskQueue = `bench-${randomUUID()}`;
    const settings = loadSettings({
      ...process.env,
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: server.address,
      QUARRY_PROVIDERS: 'simulated',
      QUARRY_TASK_QUEUE: taskQueue,
      OPENAI_BASE_URL: urls.openai,
      ANTHROPIC_BASE_URL: urls.anthropic,
      GEMINI_BASE_URL: urls.google,
    });
    const pool = createPool(database.url, Math.max(10, options.concurrency + 5));
    stops.push(() => pool.end());
    const roundTrips = countRoundTrips(pool);
    const rateLimits: RateLimitSetting[] = options.rpm
      ? [{ bucket: bucketOf('google', BENCH_MODEL), provider: 'google', model: BENCH_MODEL, rpm: options.rpm, tpm: null }]
      : [];
    const { catalog, endpoints } = loadProviderSetup(settings);
    const runtime = await startProviderRuntime(settings, catalog, endpoints);
    stops.push(runtime.close);
    const worker = await startWorker({
      temporalAddress: server.address,
      namespace: settings.TEMPORAL_NAMESPACE,
      taskQueue,
      maxConcurrentActivityTaskExecutions: options.concurrency,
      runsInFlight: options.items,
      // The bench's documents are pasted text, read in a few ms: reading gets as many slots as the
      // model stages, so that the documents queue measures Temporal's dispatch, not a cap of 2.
      dependencies: { pool, catalog, providers: runtime.providers, simulated: true, reading: { ...readingSettingsFrom(settings), concurrency: Math.max(settings.QUARRY_READ_CONCURRENCY, options.concurrency) } },
      rateLimits,
      shutdownGraceTime: '5 seconds',
    });
    stops.push(worker.shutdown);
    // Over the worker's own connection, so that runs start eagerly on it, as under `quarry up`.
    const eagerStarts = countEagerStarts();
    const temporal = new Client({ connection: worker.connection, namespace: settings.TEMPORAL_NAMESPACE, interceptors: { workflow: [eagerStarts.interceptor] } });

    const config: ModelConfig = {
      temperature: 0,
      orchestrator_model: BENCH_MODEL,
      orchestrator_prompt: '',
      stage_models: { classify: [BENCH_MODEL], extract: [BENCH_MODEL], validate: [BENCH_MODEL] },
    };
    const configurationId = await anonymousConfigurationId(pool, config);
    const ids = await storeItems(pool, undefined, Array.from({ length: options.items }, (_, n) => benchDocument(n)));

    say('Running...');
    const pids = { temporal: server.process.pid!, postgres: Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]), simulator: simulator.pid };
    const cpuBefore = { ...cpuMsByTree(pids), worker: ownCpuMs() };
    const loadBefore = loadavg()[0]!;
    const profile = options.cpuProf ? await startCpuProfile() : undefined;
    roundTrips.reset();
    eagerStarts.reset();
    const started = performance.now();
    const runs = await Promise.all(ids.map((id) => startExtraction({ pool, temporal, settings }, id, config, configurationId)));
    await Promise.all(runs.map((run) => temporal.workflow.getHandle(run.workflow_id, run.run_id).result().catch(() => undefined)));
    const wallSeconds = (performance.now() - started) / 1000;
    const cpuAfter = { ...cpuMsByTree(pids), worker: ownCpuMs() };
    const loadAfter = loadavg()[0]!;
    const queries = roundTrips.counts();
    const eagerlyStarted = eagerStarts.count();
    await profile?.stop(options.cpuProf!);
    const history = await historyStats(temporal, runs);

    // Overhead is measured apart, one item at a time: under load an item's time also includes waiting
    // for a free activity slot, which is the concurrency limit at work, not orchestration.
    const probeIds = await storeItems(pool, undefined, Array.from({ length: PROBE_ITEMS }, (_, n) => benchDocument(options.items + n)));
    for (const id of probeIds) {
      const run = await startExtraction({ pool, temporal, settings }, id, config, configurationId);
      await temporal.workflow.getHandle(run.workflow_id, run.run_id).result().catch(() => undefined);
    }
    const probe = await pool.query<{ item_ms: string; call_ms: string }>(
      `SELECT avg(extract(epoch FROM q.finished_at - q.started_at) * 1000) AS item_ms,
              avg((SELECT sum(response_time_ms) FROM model_usage u WHERE u.queue_item_id = q.id)) AS call_ms
         FROM ai_extraction_queue q WHERE q.id = ANY($1)`,
      [probeIds],
    );
    const overheadPerStage = ((toNumber(probe.rows[0]?.item_ms) ?? 0) - (toNumber(probe.rows[0]?.call_ms) ?? 0)) / STAGES;

    const items = await pool.query<{ status: string; ms: string }>(
      `SELECT status, extract(epoch FROM finished_at - started_at) * 1000 AS ms FROM ai_extraction_queue WHERE id = ANY($1)`,
      [ids],
    );
    const calls = await pool.query<{ calls: string; refused: string }>(
      `SELECT count(*) AS calls, count(*) FILTER (WHERE error LIKE 'rate_limited:%') AS refused FROM model_usage WHERE queue_item_id = ANY($1)`,
      [ids],
    );
    const completed = items.rows.filter((row) => row.status === 'completed').length;
    const durations = items.rows.map((row) => toNumber(row.ms) ?? 0);
    const totalCalls = toNumber(calls.rows[0]?.calls) ?? 0;
    const callsPerItem = totalCalls / options.items;
    const perItem = (value: number) => Number((value / options.items).toFixed(1));
    const itemsPerSecond = options.items / wallSeconds;
    // C calls in flight at a time, each taking L: C / L calls per second, callsPerItem of them per item.
    const limit = options.concurrency / (callsPerItem * (options.latencyMs / 1000));
    const result: BenchResult = {
      items: options.items,
      completed,
      latency_ms: options.latencyMs,
      concurrency: options.concurrency,
      wall_seconds: Number(wallSeconds.toFixed(3)),
      calls_per_item: Number(callsPerItem.toFixed(2)),
      items_per_second: Number(itemsPerSecond.toFixed(3)),
      limit_items_per_second: Number(limit.toFixed(3)),
      ratio: Number((itemsPerSecond / limit).toFixed(3)),
      item_latency_p50_ms: Math.round(quantile(durations, 0.5) ?? Number.NaN),
      item_latency_p95_ms: Math.round(quantile(durations, 0.95) ?? Number.NaN),
      // Of an item run alone, the time not spent in provider calls, spread over its stages.
      orchestration_overhead_ms_per_stage: Number(overheadPerStage.toFixed(1)),
      history_events_per_item: history.eventsPerItem,
      workflow_tasks_per_item: history.workflowTasksPerItem,
      activities_per_item: history.activitiesPerItem,
      local_activities_per_item: history.localActivitiesPerItem,
      eagerly_started: eagerlyStarted,
      activity_ms_per_item: history.activityMs,
      workflow_task_ms_per_item: history.workflowTaskMs,
      db_round_trips_per_item: Object.fromEntries(Object.entries(queries).map(([activity, count]) => [activity, perItem(count)])),
      // The machine's 1-minute load average before and after the run: other work on it shares the cores.
      load_average: [Number(loadBefore.toFixed(2)), Number(loadAfter.toFixed(2))],
      cpu_ms_per_item: {
        worker: perItem(cpuAfter.worker - cpuBefore.worker),
        temporal: perItem(cpuAfter.temporal - cpuBefore.temporal),
        postgres: perItem(cpuAfter.postgres - cpuBefore.postgres),
        simulator: perItem(cpuAfter.simulator - cpuBefore.simulator),
      },
      ...(options.rpm
        ? { rpm: options.rpm, calls_per_minute: Number(((totalCalls / wallSeconds) * 60).toFixed(1)), rate_limited: toNumber(calls.rows[0]?.refused) ?? 0 }
        : {}),
    };
    printBench(result, options.json, say);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}
