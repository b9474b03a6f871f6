import { Runtime } from '@temporalio/worker';
import { logger } from '../logger.ts';

let installed = false;

/**
 * Routes the Temporal worker runtime's logs through pino, once per process. Must run before the
 * first worker or native connection is created, which is when the SDK installs its default.
 */
export function installWorkerRuntime(): void {
  if (installed) return;
  const log = (level: 'trace' | 'debug' | 'info' | 'warn' | 'error') => (message: string, meta?: Record<string, unknown>) =>
    logger[level]({ ...meta }, message);
  Runtime.install({
    logger: {
      log: (level, message, meta) => log(level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error'))(message, meta),
      trace: log('trace'),
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
    },
  });
  installed = true;
}
