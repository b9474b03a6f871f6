// What Temporal itself costs per step on this machine, without Quarry: workflows of N activities
// that only wait L ms, run one at a time on a dev server started as Quarry starts it and a worker
// with Quarry's worker settings. The time of a workflow beyond N × L, per activity, is the floor
// under `quarry bench`'s orchestration overhead per stage.
// Run: `npx tsx scripts/temporal-floor/measure.ts [--runs 10] [--activities 4] [--latency-ms 100]`.
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { quantile } from '../../src/analytics/statistics.ts';
import { logger } from '../../src/logger.ts';
import { freePort } from '../../src/net/free-port.ts';
import { ensureTemporalCli } from '../../src/temporal/cli-binary.ts';
import { startTemporalDevServer } from '../../src/temporal/dev-server.ts';
import { installWorkerRuntime } from '../../src/worker/runtime.ts';
import { workflowTaskSettings } from '../../src/worker/workflow-task-settings.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, activities: { type: 'string', default: '4' }, 'latency-ms': { type: 'string', default: '100' } } });
const runs = Number(values.runs);
const activities = Number(values.activities);
const latencyMs = Number(values['latency-ms']);

if (!process.env.QUARRY_LOG_LEVEL) logger.level = 'warn';
await installWorkerRuntime();
const server = await startTemporalDevServer({ cliPath: await ensureTemporalCli((line) => process.stderr.write(`${line}\n`)), port: await freePort() });
try {
  const connection = await NativeConnection.connect({ address: server.address });
  const taskQueue = `floor-${randomUUID()}`;
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: path.resolve(import.meta.dirname, 'workflow.ts'),
    activities: { wait: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) },
    maxConcurrentActivityTaskExecutions: 50,
    ...workflowTaskSettings({ activitySlots: 50 }),
  });
  const client = new Client({ connection });
  const loadBefore = loadavg()[0]!;
  const overheads = await worker.runUntil(async () => {
    const measured: number[] = [];
    // The first run warms the bundle's context and the server's caches; it is not counted.
    for (let run = 0; run <= runs; run += 1) {
      const started = performance.now();
      await client.workflow.execute('steps', { taskQueue, workflowId: `floor-${run}-${randomUUID()}`, args: [activities, latencyMs] });
      if (run > 0) measured.push((performance.now() - started - activities * latencyMs) / activities);
    }
    return measured;
  });
  const ms = (value: number | null | undefined) => Number((value ?? Number.NaN).toFixed(1));
  process.stdout.write(
    `${JSON.stringify({
      runs,
      activities,
      latency_ms: latencyMs,
      overhead_ms_per_activity: { p50: ms(quantile(overheads, 0.5)), min: ms(Math.min(...overheads)), max: ms(Math.max(...overheads)) },
      load_average: [Number(loadBefore.toFixed(2)), Number(loadavg()[0]!.toFixed(2))],
    })}\n`,
  );
  await connection.close();
} finally {
  await server.stop();
}
