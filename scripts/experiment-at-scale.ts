// `npm run bench:experiment -- [--items 10000] [--arms 3] [--concurrency 50] [--latency-ms 5] [--history-events N]`
//
// An A/B experiment of ITEMS labelled items × ARMS configurations through the real stack (a Temporal
// dev server, an embedded PostgreSQL, a worker, the simulator at low latency, the API's
// POST /experiments), timed to the end. It reports how many times the parent workflow continued as
// new, the longest history of any of its runs (events and bytes) and every "exceeds warn limit" line
// the Temporal server logged. Too slow for `npm test` on a small machine (30 000 extractions at the
// defaults); the default suite tests continue-as-new with a small threshold instead.
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { createApp } from '../src/api/app.ts';
import { loadSettings } from '../src/config/environment.ts';
import { acceptUpload } from '../src/intake/upload.ts';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPool } from '../src/db/pool.ts';
import { logger } from '../src/logger.ts';
import { freePort } from '../src/net/free-port.ts';
import { loadProviderSetup } from '../src/providers/provider-setup.ts';
import { ensureTemporalCli } from '../src/temporal/cli-binary.ts';
import { startTemporalDevServer } from '../src/temporal/dev-server.ts';
import { startProviderRuntime } from '../src/worker/provider-runtime.ts';
import { readingSettingsFrom } from '../src/worker/reading-settings.ts';
import { storeItems } from '../src/runs/queue-documents.ts';
import { startWorker } from '../src/worker/start-worker.ts';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '10000' },
    arms: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '50' },
    'latency-ms': { type: 'string', default: '5' },
    'history-events': { type: 'string' },
  },
});
const items = Number(values.items);
const arms = Number(values.arms);
const concurrency = Number(values.concurrency);
const latencyMs = Number(values['latency-ms']);
const say = (line: string) => process.stderr.write(`${line}\n`);
if (!process.env.QUARRY_LOG_LEVEL) logger.level = 'warn';

const EXTRACT_MODELS = ['gpt-4.1-nano', 'gpt-4.1-mini', 'claude-haiku-4-5', 'gemini-3.5-flash', 'claude-opus-4-7'];

function document(n: number) {
  const expected = { invoice_number: `S-${100_000 + n}`, total_amount: Number((n * 3.17 + 20).toFixed(2)), issue_date: `2026-0${(n % 9) + 1}-15` };
  return {
    document: acceptUpload({ text: `Invoice Number: ${expected.invoice_number}\nTotal Amount: ${expected.total_amount.toFixed(2)}\nIssue Date: ${expected.issue_date}` }, Number.MAX_SAFE_INTEGER),
    schema: {
      name: 'invoice',
      fields: [
        { name: 'invoice_number', type: 'string' as const, description: '', required: true },
        { name: 'total_amount', type: 'number' as const, description: '', required: true },
        { name: 'issue_date', type: 'date' as const, description: '', required: false },
      ],
    },
    expected,
    metadata: { scale: true },
  };
}

const stops: Array<() => Promise<void>> = [];
const warnings: string[] = [];
try {
  const scratch = await mkdtemp(path.join(tmpdir(), 'quarry-experiment-'));
  await chmod(scratch, 0o755);
  stops.push(() => rm(scratch, { recursive: true, force: true }));
  say(`Starting Temporal and PostgreSQL: ${items} items × ${arms} configurations, concurrency ${concurrency}, ${latencyMs} ms per call...`);
  const server = await startTemporalDevServer({
    cliPath: await ensureTemporalCli(say),
    port: await freePort(),
    log: (text) => warnings.push(...text.split('\n').filter((line) => line.includes('exceeds warn limit'))),
  });
  stops.push(server.stop);
  const database = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'postgres'), port: await freePort() });
  stops.push(database.stop);
  await migrate(database.url);

  const settings = loadSettings({
    ...process.env,
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: server.address,
    QUARRY_PROVIDERS: 'simulated',
    QUARRY_SIM_LATENCY_MS: String(latencyMs),
    QUARRY_SIM_FAULTS: '',
    QUARRY_TASK_QUEUE: `scale-${randomUUID()}`,
    QUARRY_EXPERIMENT_HISTORY_EVENTS: values['history-events'] ?? '',
    OPENAI_BASE_URL: '',
    ANTHROPIC_BASE_URL: '',
    GEMINI_BASE_URL: '',
  });
  const pool = createPool(database.url, concurrency + 10);
  stops.push(() => pool.end());
  const { catalog, rateLimits } = loadProviderSetup(settings);
  const runtime = await startProviderRuntime(settings, catalog);
  stops.push(runtime.close);
  const worker = await startWorker({
    temporalAddress: server.address,
    namespace: settings.TEMPORAL_NAMESPACE,
    taskQueue: settings.QUARRY_TASK_QUEUE,
    maxConcurrentActivityTaskExecutions: concurrency * 2,
    dependencies: { pool, catalog, providers: runtime.providers, simulated: true, reading: readingSettingsFrom(settings) },
    rateLimits,
    shutdownGraceTime: '5 seconds',
  });
  stops.push(worker.shutdown);
  const connection = await Connection.connect({ address: server.address });
  stops.push(() => connection.close());
  const temporal = new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE });
  const app = createApp({ pool, temporal, catalog, settings, simulated: true });

  const ids: string[] = [];
  for (let start = 0; start < items; start += 1000) {
    ids.push(...(await storeItems(pool, undefined, Array.from({ length: Math.min(1000, items - start) }, (_, i) => document(start + i)))));
  }
  const configurations = Array.from({ length: arms }, (_, arm) => ({
    name: `arm ${arm}`,
    temperature: 0,
    orchestrator_model: 'gpt-4.1-mini',
    orchestrator_prompt: '',
    stage_models: { classify: ['gemini-3.1-flash-lite'], extract: [EXTRACT_MODELS[arm % EXTRACT_MODELS.length]!], validate: ['gpt-4.1-mini'] },
  }));

  const started = performance.now();
  const response = await app.request('/experiments', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: `${items} × ${arms}`, configurations, item_ids: ids, concurrency }),
  });
  const experiment = (await response.json()) as { id: string; workflow_id: string; runs: number };
  if (response.status !== 202) throw new Error(`POST /experiments answered ${response.status}: ${JSON.stringify(experiment)}`);
  say(`Experiment ${experiment.id}: ${experiment.runs} runs, started in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const state = await pool.query<{ status: string; finished: string }>(
      `SELECT e.status, (SELECT count(*) FROM experiment_runs r JOIN ai_extraction_queue q ON q.id = r.item_id
                          WHERE r.experiment_id = e.id AND q.status IN ('completed', 'failed', 'cancelled')) AS finished
         FROM experiments e WHERE e.id = $1`,
      [experiment.id],
    );
    const { status, finished } = state.rows[0]!;
    say(`  ${((performance.now() - started) / 1000).toFixed(0)} s: ${finished}/${experiment.runs} runs finished (${status})`);
    if (status !== 'running') break;
  }
  // From the experiment's creation to its end, as PostgreSQL recorded them.
  const timing = await pool.query<{ seconds: string }>('SELECT extract(epoch FROM finished_at - created_at) AS seconds FROM experiments WHERE id = $1', [experiment.id]);
  const seconds = Number(timing.rows[0]!.seconds);

  // Every run of the parent, newest to oldest, by the run each one continued.
  const runs: Array<{ events: number; bytes: number }> = [];
  let runId: string | undefined = (await temporal.workflow.getHandle(experiment.workflow_id).describe()).runId;
  while (runId) {
    const handle: WorkflowHandle = temporal.workflow.getHandle(experiment.workflow_id, runId);
    const description = await handle.describe();
    runs.push({ events: description.historyLength, bytes: Number(String(description.raw.workflowExecutionInfo?.historySizeBytes ?? 0)) });
    const started: { continuedExecutionRunId?: string | null } | null | undefined = (await handle.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
    runId = started?.continuedExecutionRunId || undefined;
  }
  const outcome = await pool.query<{ status: string; runs: string }>(
    `SELECT q.status, count(*) AS runs FROM experiment_runs r JOIN ai_extraction_queue q ON q.id = r.item_id WHERE r.experiment_id = $1 GROUP BY 1`,
    [experiment.id],
  );
  const result = {
    items,
    arms,
    concurrency,
    latency_ms: latencyMs,
    seconds: Number(seconds.toFixed(1)),
    runs_per_second: Number((experiment.runs / seconds).toFixed(2)),
    outcome: Object.fromEntries(outcome.rows.map((row) => [row.status, Number(row.runs)])),
    parent_runs: runs.length,
    parent_max_history_events: Math.max(...runs.map((run) => run.events)),
    parent_max_history_bytes: Math.max(...runs.map((run) => run.bytes)),
    history_warnings: warnings,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
}
