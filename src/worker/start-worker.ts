import { createRequire } from 'node:module';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerPlugin, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, createDocumentReading, type ActivityDependencies } from '../activities/index.ts';
import { RateLimiter } from '../activities/rate-limiter.ts';
import type { RateLimitSetting } from '../config/rate-limits.ts';
import { ConfigurationError } from '../config/environment.ts';
import { closeSharedOcrEngines } from '../documents/ocr/ocr-engine.ts';
import { documentsTaskQueue } from '../temporal/names.ts';
import { logger } from '../logger.ts';
import { ensureUsageRollupSchedule } from '../temporal/usage-rollup-schedule.ts';
import { installWorkerRuntime } from './runtime.ts';
import { workflowTaskSettings } from './workflow-task-settings.ts';

const require = createRequire(import.meta.url);
export const workflowsPath = require.resolve('../workflows/index.ts');

export interface WorkerOptions {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  dependencies: ActivityDependencies;
  /** The providers' rate limits (QUARRY_RATE_LIMITS); none: calls start when ready. */
  rateLimits?: readonly RateLimitSetting[];
  /** A prebuilt workflow bundle (tests build it once); otherwise the worker bundles at start. */
  workflowBundle?: WorkflowBundleOption;
  /** Activities this worker runs at once (the SDK's default otherwise). */
  maxConcurrentActivityTaskExecutions?: number;
  /** Runs the worker is expected to hold at once, when known: its workflow cache keeps at least that many. */
  runsInFlight?: number;
  /** Serve the worker runtime's own Prometheus metrics (appended to Quarry's `/metrics`). */
  exportMetrics?: boolean;
  /** Enough for an in-flight provider call to finish when the worker is asked to stop. */
  shutdownGraceTime?: string;
  /** How the worker names itself to Temporal (the SDK's `pid@host` otherwise). */
  identity?: string;
  /** Worker plugins, e.g. OpenTelemetry tracing's; their workflow interceptors are bundled only from `workflowsPath`. */
  plugins?: WorkerPlugin[];
  /**
   * Keep the Temporal Schedule that rolls up the usage ledger (on this task queue, every
   * `everySeconds`): `quarry worker` and `quarry up` do, tests only where they test it.
   */
  usageRollups?: { everySeconds: number };
}

export interface RunningWorker {
  worker: Worker;
  /**
   * The worker's connection to Temporal, open until the worker stops. A client over it in the same
   * process can start workflows eagerly on this worker (temporal/eager-start.ts).
   */
  connection: NativeConnection;
  /** Polls the documents task queue: reading, with `dependencies.reading.concurrency` slots. */
  reader: Worker;
  /** Settles when the worker has stopped (after `shutdown`, or on a fatal error). */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Starts a worker polling Quarry's task queue, and beside it a reader polling the documents task
 * queue with its own activity slots (reading a scan is CPU-bound; OCR threads are bounded apart, by
 * `reading.ocr.workers`). Activities get their dependencies injected.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  await installWorkerRuntime({ exportMetrics: options.exportMetrics });
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect({ address: options.temporalAddress });
  } catch (error) {
    throw new ConfigurationError(`Temporal at ${options.temporalAddress} did not answer (${(error as Error).message}): start it, or set TEMPORAL_ADDRESS`);
  }
  // Every worker draws on the same buckets in PostgreSQL.
  const rateLimiter = options.dependencies.rateLimiter ?? new RateLimiter(options.dependencies.pool, options.rateLimits ?? []);
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    activities: createActivities({ ...options.dependencies, rateLimiter }),
    shutdownGraceTime: options.shutdownGraceTime ?? '90 seconds',
    // A cancellation reaches an activity only in a heartbeat's answer; the SDK would otherwise
    // throttle heartbeats to 80 % of the heartbeat timeout, leaving a cancelled call running that long.
    maxHeartbeatThrottleInterval: '1 second',
    ...(options.maxConcurrentActivityTaskExecutions ? { maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions } : {}),
    ...workflowTaskSettings({ activitySlots: options.maxConcurrentActivityTaskExecutions, runsInFlight: options.runsInFlight }),
    ...(options.plugins ? { plugins: options.plugins } : {}),
    ...(options.identity ? { identity: options.identity } : {}),
  });
  if (options.usageRollups) {
    // The worker keeps the schedule because only a worker can run its roll-ups, on the task queue it
    // polls; `quarry migrate` may run where Temporal is not reachable. A failure here leaves the
    // extractions running: analytics read more of the ledger until a worker keeps the schedule.
    const client = new Client({ connection, namespace: options.namespace });
    await ensureUsageRollupSchedule(client, { taskQueue: options.taskQueue, everySeconds: options.usageRollups.everySeconds }).then(
      (outcome) => logger.info({ taskQueue: options.taskQueue, everySeconds: options.usageRollups!.everySeconds }, `usage roll-up schedule ${outcome}`),
      (error: unknown) => logger.error({ err: error }, 'could not create or update the usage roll-up schedule; analytics fall behind until it exists'),
    );
  }
  const reader = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: documentsTaskQueue(options.taskQueue),
    activities: createDocumentReading(options.dependencies),
    maxConcurrentActivityTaskExecutions: options.dependencies.reading.concurrency,
    shutdownGraceTime: options.shutdownGraceTime ?? '90 seconds',
    maxHeartbeatThrottleInterval: '1 second',
    ...(options.plugins ? { plugins: options.plugins } : {}),
    ...(options.identity ? { identity: options.identity } : {}),
  });
  const stop = (running: Worker) => {
    if (running.getState() === 'RUNNING') running.shutdown();
  };
  // Either one failing stops both: a process that polls only half of Quarry's queues would look alive.
  const runs = [worker.run(), reader.run()].map((run) =>
    run.catch((error: unknown) => {
      stop(worker);
      stop(reader);
      throw error;
    }),
  );
  // Settles once both have stopped, with the first failure if any.
  const done = Promise.allSettled(runs).then(async (outcomes) => {
    await closeSharedOcrEngines();
    await connection.close();
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  });
  return {
    worker,
    connection,
    reader,
    done,
    shutdown: async () => {
      stop(worker);
      stop(reader);
      await done;
    },
  };
}
