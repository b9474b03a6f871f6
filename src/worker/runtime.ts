import { Runtime } from '@temporalio/worker';
import { logger } from '../logger.ts';
import { setRuntimeMetricsAddress } from '../observability/metrics.ts';
import { freePort } from '../net/free-port.ts';

let installed = false;

/**
 * webpack's report on the workflow bundle, which the worker logs at info as one message of a few
 * dozen lines: of use only when the bundle itself is in question, so it is logged at debug. A failed
 * build is reported at error, and stays there.
 */
const isBundlerReport = (message: string) => message.startsWith('asset workflow-bundle') || /\nwebpack [\d.]+ compiled/.test(message);
/** The documents task queue's worker runs activities only, on purpose: the SDK's warning about it is not one. */
const isActivityOnlyNotice = (message: string) => message.startsWith('No workflows registered, not polling for workflow tasks');

/**
 * Installs the Temporal worker runtime once per process, before the first worker or native
 * connection: its logs go through pino, and with `exportMetrics` its Prometheus exporter listens on a
 * loopback port whose output Quarry's `/metrics` appends.
 */
export async function installWorkerRuntime(options: { exportMetrics?: boolean } = {}): Promise<void> {
  if (installed) return;
  installed = true;
  const log = (level: 'trace' | 'debug' | 'info' | 'warn' | 'error') => (message: string, meta?: Record<string, unknown>) =>
    logger[(level === 'info' && isBundlerReport(message)) || (level === 'warn' && isActivityOnlyNotice(message)) ? 'debug' : level]({ ...meta }, message);
  const metricsAddress = options.exportMetrics ? `127.0.0.1:${await freePort()}` : undefined;
  Runtime.install({
    logger: {
      log: (level, message, meta) => log(level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error'))(message, meta),
      trace: log('trace'),
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
    },
    ...(metricsAddress
      ? { telemetryOptions: { metrics: { metricPrefix: 'temporal_', prometheus: { bindAddress: metricsAddress, countersTotalSuffix: true, useSecondsForDurations: true } } } }
      : {}),
  });
  if (metricsAddress) setRuntimeMetricsAddress(metricsAddress);
}
