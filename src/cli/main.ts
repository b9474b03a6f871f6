import { Command, InvalidArgumentError } from 'commander';
import { startApi } from '../api/serve.ts';
import { ensureDashboardBuilt } from '../api/dashboard-build.ts';
import { ConfigurationError, loadSettings } from '../config/environment.ts';
import { migrate } from '../db/migrate.ts';
import { logger } from '../logger.ts';
import { startMetricsServer } from '../observability/metrics-server.ts';
import { tracingFromEnvironment } from '../observability/tracing.ts';
import { parseFaults } from '../providers/simulator/faults.ts';
import { simulatorBaseUrls, startSimulator } from '../providers/simulator/server.ts';
import { TemporalCliMissingError, ensureTemporalCli } from '../temporal/cli-binary.ts';
import { startProviderRuntime } from '../worker/provider-runtime.ts';
import { startWorker } from '../worker/start-worker.ts';
import { readingSettingsFrom } from '../worker/reading-settings.ts';
import { connectDatabase, connectTemporal, onShutdownSignal, requireDatabaseUrl, temporalAddressOf } from './services.ts';
import { CliError } from './cli-error.ts';
import type { LocalModelOptions } from './local-model.ts';
import { registerClusterCommands } from './cluster-command.ts';
import { replay, type ReplayOptions } from './replay.ts';
import { up } from './up.ts';
import { SCENARIOS, type Scenario } from './bench-analytics-scenarios.ts';
import { RESUMABLE_STAGES, type ResumableStage } from '../contract/stages.ts';
import { domainErrorOf, UnavailableError } from '../runs/errors.ts';
import { retryItem } from '../runs/retry-item.ts';

const say = (line: string) => process.stderr.write(`${line}\n`);

const integer = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return parsed;
};

const program = new Command('quarry')
  .description('Durable, multi-model LLM document extraction on Temporal')
  .showHelpAfterError();

program
  .command('up')
  .description('the whole stack on one machine: Temporal, PostgreSQL, migrations, worker, API and dashboard')
  .action(async () => up(loadSettings()));

program
  .command('setup')
  .description('build the Temporal CLI into .tools/bin when `temporal` is not on PATH (a few minutes, once)')
  .action(async () => {
    say(`Temporal CLI: ${await ensureTemporalCli(say)}`);
  });

registerClusterCommands(program);

program
  .command('migrate')
  .description('apply migrations/ to DATABASE_URL (idempotent)')
  .action(async () => {
    const applied = await migrate(requireDatabaseUrl(loadSettings()), (line) => logger.debug(line));
    say(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
  });

program
  .command('api')
  .description('the HTTP API and dashboard alone, against DATABASE_URL and TEMPORAL_ADDRESS')
  .action(async () => {
    const settings = loadSettings();
    const tracing = await tracingFromEnvironment('quarry-api');
    const database = connectDatabase(settings);
    const temporal = await connectTemporal(settings, tracing?.clientInterceptors, { lazy: true });
    const built = await ensureDashboardBuilt(say);
    if (built !== undefined) say(`Dashboard built in ${built} s.`);
    const api = await startApi(
      { pool: database.pool, temporal: temporal.client, catalog: database.catalog, settings, simulated: settings.providers === 'simulated' },
      settings,
    );
    say(`Quarry API on ${api.url}`);
    onShutdownSignal(async () => {
      await api.close();
      await temporal.close();
      await database.close();
      await tracing?.shutdown();
    });
  });

program
  .command('worker')
  .description('the Temporal worker alone; run several for more throughput')
  .action(async () => {
    const settings = loadSettings();
    const database = connectDatabase(settings);
    const runtime = await startProviderRuntime(settings, database.catalog, database.endpoints);
    const tracing = await tracingFromEnvironment('quarry-worker');
    const worker = await startWorker({
      temporalAddress: temporalAddressOf(settings),
      namespace: settings.TEMPORAL_NAMESPACE,
      taskQueue: settings.QUARRY_TASK_QUEUE,
      exportMetrics: true,
      usageRollups: { everySeconds: settings.QUARRY_ROLLUP_INTERVAL_S },
      dependencies: { pool: database.pool, catalog: database.catalog, providers: runtime.providers, simulated: runtime.simulated, reading: readingSettingsFrom(settings) },
      rateLimits: database.rateLimits,
      plugins: tracing?.plugins,
    });
    const metrics = await startMetricsServer(settings.QUARRY_METRICS_HOST, settings.QUARRY_METRICS_PORT);
    say(`Quarry worker polling ${temporalAddressOf(settings)}${runtime.simulated ? ' (SIMULATED providers)' : ''}; metrics at ${metrics.url}`);
    // SIGTERM drains: the worker stops polling and lets in-flight activities finish.
    onShutdownSignal(async () => {
      await worker.shutdown();
      await metrics.close();
      await runtime.close();
      await database.close();
      await tracing?.shutdown();
    });
    await worker.done;
  });

program
  .command('sim')
  .description('the provider simulator alone (OpenAI, Anthropic and Gemini wire formats on one port)')
  .option('--port <port>', 'port to listen on', integer('--port'), 3100)
  .option('--host <host>', 'address to bind', '127.0.0.1')
  .action(async (options: { port: number; host: string }) => {
    const settings = loadSettings();
    const { loadProviderSetup } = await import('../providers/provider-setup.ts');
    const simulator = await startSimulator({
      host: options.host,
      port: options.port,
      latencyMs: settings.QUARRY_SIM_LATENCY_MS,
      faults: parseFaults(settings.QUARRY_SIM_FAULTS),
      rateLimits: settings.QUARRY_SIM_RATE_LIMITS,
      catalog: loadProviderSetup(settings).catalog,
    });
    const urls = simulatorBaseUrls(simulator.url);
    say(`Provider simulator on ${simulator.url}`);
    say(`  OPENAI_BASE_URL=${urls.openai} ANTHROPIC_BASE_URL=${urls.anthropic} GEMINI_BASE_URL=${urls.google}`);
    onShutdownSignal(() => simulator.close());
  });

program
  .command('doctor')
  .description('check live providers: keys, reachability, each model served and not near retirement; non-zero exit on a problem')
  .option('--call', 'also make one tiny call per model')
  .action(async (options: { call?: boolean }) => {
    const { doctor } = await import('./doctor.ts');
    process.exit(await doctor(loadSettings(), { call: options.call ?? false }, (line) => process.stdout.write(`${line}\n`)));
  });

program
  .command('local-model')
  .description('install (once, ~550 MB, cached) and serve a small real model with llama-server on loopback; prints its OpenAI-compatible base URL')
  .option('--port <port>', 'port to listen on (default: a free one)', integer('--port'))
  .option('--threads <n>', 'CPU threads (default: all cores)', integer('--threads'))
  .option('--ctx-size <tokens>', 'context size of the one slot', integer('--ctx-size'), 8192)
  .option('--api-key <key>', 'the key clients must send (default: a random one, printed)')
  .option('--install-only', 'download and check the server and the model, then exit (CI)')
  .action(async (options: LocalModelOptions) => {
    const { localModel } = await import('./local-model.ts');
    await localModel(loadSettings(), options, say);
  });

program
  .command('replay')
  .description('replay recorded workflow histories against the current workflow code; exit 0 when they replay cleanly')
  .argument('[workflowId]', 'a workflow to fetch from Temporal and replay')
  .option('--file <history.json>', "a history exported with `temporal workflow show -w <id> --output json`")
  .option('--query <visibility query>', 'every workflow the query matches, e.g. "ExecutionStatus = \'Failed\'"')
  .option('--save <file>', 'with <workflowId>: also write its history to this file')
  .action(async (workflowId: string | undefined, options: ReplayOptions) => {
    process.exit(await replay(loadSettings(), workflowId, options));
  });

program
  .command('retry')
  .description('run a failed or cancelled item again, reusing the stages its last run finished')
  .argument('<itemId>', 'the queue item')
  .option('--from-stage <stage>', `resume from this stage (${RESUMABLE_STAGES.join(', ')}); default: the first one that did not finish`)
  .option('--configuration-id <id>', 'a saved configuration for the stages that run again')
  .action(async (itemId: string, options: { fromStage?: string; configurationId?: string }) => {
    const settings = loadSettings();
    const fromStage = options.fromStage as ResumableStage | undefined;
    if (fromStage && !RESUMABLE_STAGES.includes(fromStage)) throw new CliError(`--from-stage must be one of ${RESUMABLE_STAGES.join(', ')}`);
    const database = connectDatabase(settings);
    const temporal = await connectTemporal(settings);
    try {
      const started = await retryItem({ pool: database.pool, temporal: temporal.client, settings, catalog: database.catalog }, itemId, {
        fromStage,
        configurationId: options.configurationId,
      });
      say(`Started ${started.workflow_id} (run ${started.run_id}) from stage ${started.from_stage}.`);
    } finally {
      await temporal.close();
      await database.close();
    }
  });

program
  .command('bench')
  .description('end-to-end throughput on simulated providers: items/s against the limit C concurrent calls of latency L allow')
  .option('--items <n>', 'items to run', integer('--items'), 50)
  .option('--latency-ms <ms>', 'simulated latency of one provider call', integer('--latency-ms'), 200)
  .option('--concurrency <c>', 'activities the worker runs at once', integer('--concurrency'), 10)
  .option('--rpm <r>', 'the simulator refuses the bench model above R requests a minute (429), and Quarry is given that limit', integer('--rpm'))
  .option('--cpu-prof <file>', "write a CPU profile of the worker's process over the run (.cpuprofile)")
  .option('--json', 'one JSON line instead of the table')
  .action(async (options: { items: number; latencyMs: number; concurrency: number; rpm?: number; cpuProf?: string; json?: boolean }) => {
    if (options.items < 1 || options.concurrency < 1) throw new CliError('--items and --concurrency must be at least 1');
    if (options.rpm === 0) throw new CliError('--rpm must be at least 1');
    const { bench } = await import('./bench.ts');
    await bench({ ...options, json: options.json ?? false }, say);
  });

program
  .command('eval')
  .description('run a folder laid out like ExtractBench through a configuration: per-value accuracy per domain and overall, cost and time')
  .requiredOption('--dataset <dir>', 'the dataset: each <name>-schema.json, with its documents and their <name>.gold.json in pdf+gold/ beside it')
  .option('--configuration <id|file>', "a saved configuration's id (with DATABASE_URL), or a JSON file with a configuration body; default: simulated models")
  .option('--domain <id...>', 'only these domains, e.g. hiring/resume')
  .option('--limit <n>', 'at most n documents per domain', integer('--limit'))
  .option('--concurrency <c>', 'activities the worker runs at once', integer('--concurrency'))
  .option('--json', 'the report as one JSON line instead of the table')
  .action(async (options: { dataset: string; configuration?: string; domain?: string[]; limit?: number; concurrency?: number; json?: boolean }) => {
    const { evalCommand } = await import('./eval.ts');
    await evalCommand({ ...options, json: options.json ?? false }, say);
  });

program
  .command('bench-analytics')
  .description('analytics benchmark: N synthetic ledger rows loaded in bulk (spread over D days, or a burst in the current hour), p50/p95 of every analytics route right after the load and once rolled up (embedded throwaway PostgreSQL unless --database-url)')
  .option('--rows <n>', 'ledger rows to generate', integer('--rows'), 1_000_000)
  .option('--days <d>', 'days the bulk scenario spreads its rows over', integer('--days'), 30)
  .option('--burst-minutes <m>', 'minutes before now the burst scenario spreads its rows over (default: the current hour so far, at least ten minutes)', integer('--burst-minutes'))
  .option('--iterations <i>', 'timed requests per case and phase', integer('--iterations'), 20)
  .option('--configurations <c>', 'configurations the rows are spread over', integer('--configurations'), 50)
  .option('--scenarios <list>', `comma-separated, of ${SCENARIOS.join(', ')}`, 'bulk,burst')
  .option('--live-calls <n>', 'calls a second written one by one while the rolled-up state is timed', integer('--live-calls'), 20)
  .option('--database-url <url>', 'a PostgreSQL server to create the scenario databases on (each dropped afterwards)')
  .option('--json')
  .action(
    async (options: { rows: number; days: number; burstMinutes?: number; iterations: number; configurations: number; scenarios: string; liveCalls: number; databaseUrl?: string; json?: boolean }) => {
      const scenarios = options.scenarios.split(',').map((name) => name.trim());
      const unknown = scenarios.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
      if (unknown.length > 0 || scenarios.length === 0) throw new CliError(`--scenarios takes ${SCENARIOS.join(', ')}; not ${unknown.join(', ')}`);
      if (options.iterations < 1 || options.configurations < 2 || options.liveCalls < 1 || (options.burstMinutes ?? 1) < 1) {
        throw new CliError('--iterations, --live-calls and --burst-minutes must be at least 1, --configurations at least 2');
      }
      const { benchAnalytics } = await import('./bench-analytics.ts');
      await benchAnalytics(
        loadSettings(),
        { ...options, scenarios: scenarios as Scenario[], liveCallsPerSecond: options.liveCalls, json: options.json ?? false },
        say,
      );
    },
  );

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigurationError || error instanceof TemporalCliMissingError || error instanceof CliError) {
    say(`quarry: ${error.message}`);
    process.exit(2);
  }
  // The application layer's refusals, mapped once for every command: a request the state or the
  // input does not allow is the caller's to fix (2); a service that did not answer may pass (1).
  const refused = domainErrorOf(error);
  if (refused) {
    say(`quarry: ${refused.message}`);
    process.exit(refused instanceof UnavailableError ? 1 : 2);
  }
  say(`quarry: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}
