import { createRequire } from 'node:module';
import { NativeConnection, Worker, type WorkerPlugin, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../activities/index.ts';
import { RateLimiter } from '../activities/rate-limiter.ts';
import type { RateLimitSetting } from '../config/rate-limits.ts';
import { ConfigurationError } from '../config/environment.ts';
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
}

export interface RunningWorker {
  worker: Worker;
  /**
   * The worker's connection to Temporal, open until the worker stops. A client over it in the same
   * process can start workflows eagerly on this worker (temporal/eager-start.ts).
   */
  connection: NativeConnection;
  /** Settles when the worker has stopped (after `shutdown`, or on a fatal error). */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

/** Starts a worker polling Quarry's task queue; activities get their dependencies injected. */
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
  const done = worker.run().finally(() => connection.close());
  return {
    worker,
    connection,
    done,
    shutdown: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
