import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadSettings } from '../config/environment.ts';
import { migrate } from '../db/migrate.ts';
import { ensureTemporalCli, projectRoot } from '../temporal/cli-binary.ts';
import { waitForFrontend } from '../temporal/dev-server.ts';
import { commandDirectory, deployScripts, dynamicConfigFile, runDeployScript } from '../temporal/deploy-scripts.ts';
import { waitForNamespaceEverywhere } from '../temporal/namespace-ready.ts';
import { ensureTemporalServerTools } from '../temporal/server-binary.ts';
import { frontendAddress, schemaToolEnvironment, serverNodeEnvironment } from '../temporal/server-node.ts';
import { ensureTemporalLogin } from '../temporal/temporal-database.ts';
import { startSupervisedPostgres } from './cluster-postgres.ts';
import { Supervised, type ProcessSpec } from './cluster-supervisor.ts';
import { waitForHttp } from './cluster-readiness.ts';
import { maskUrl } from './up.ts';

export const CLUSTER_POSTGRES_PORT = 54330;

export interface ClusterOptions {
  nodes: number;
  workers: number;
  /** The Web UI's port on 127.0.0.1 (the contract's 8233 by default). */
  uiPort: number;
  /** Node n (from 1) listens on `<loopback>.<n>`, every service on the config template's ports. */
  loopback: string;
  /** How long a dead process stays down before it is started again. */
  restartDelayMs: number;
  /** The embedded PostgreSQL's port, when DATABASE_URL is unset. */
  postgresPort: number;
}

export interface RunningCluster {
  api: string;
  ui: string;
  /** The database URL with its password masked, for printing. */
  database: string;
  /** The database URL itself, for this process's own use. */
  databaseUrl: string;
  temporal: Array<{ address: string; node: Supervised }>;
  workers: Supervised[];
  /** Starts another worker (the scale-out benchmark adds them between rounds). */
  addWorker(): Promise<Supervised>;
  stop(): Promise<void>;
}

/** `{"api", "ui", "database", "temporal": [{"address", "pid"}], "workers": [{"pid"}]}` as the contract names it. */
export function clusterSummary(cluster: RunningCluster) {
  return {
    api: cluster.api,
    ui: cluster.ui,
    database: cluster.database,
    temporal: cluster.temporal.map(({ address, node }) => ({ address, pid: node.pid })),
    workers: cluster.workers.map((worker) => ({ pid: worker.pid })),
  };
}

const quarryBin = path.join(projectRoot, 'bin', 'quarry.js');

/**
 * What to stop, in the reverse order of starting. A signal may arrive while the cluster is still
 * starting: what is added after `run` began is stopped at once instead of being left behind.
 */
export class Teardown {
  private readonly stops: Array<() => Promise<void>> = [];
  private running: Promise<void> | undefined;

  constructor(private readonly say: (line: string) => void) {}

  get stopped(): boolean {
    return this.running !== undefined;
  }

  add(stop: () => Promise<void>): void {
    if (this.running) void stop();
    else this.stops.push(stop);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const stop of this.stops.reverse()) await stop().catch((error: unknown) => this.say(`  stop failed: ${String(error)}`));
    })();
    return this.running;
  }
}

/**
 * The production topology on one machine: PostgreSQL (embedded unless DATABASE_URL), Temporal's
 * databases and schema through deploy/temporal/setup-schema.sh, N Temporal server processes that
 * find each other through the database and form one cluster, the namespace and search attributes
 * through deploy/temporal/setup-namespace.sh, the Web UI, M workers and the API. Every process is
 * restarted when it dies unasked; `stop` ends them in reverse order. `env` is what the Quarry
 * processes read their settings from (the contract's variables), usually `process.env`.
 */
export async function startCluster(
  env: NodeJS.ProcessEnv,
  options: ClusterOptions,
  say: (line: string) => void,
  teardown: Teardown = new Teardown(say),
): Promise<RunningCluster> {
  // The environment every Quarry process of the cluster gets (they read their settings from it).
  const settings = loadSettings(env);
  const home = path.join(settings.dataDir, 'cluster');
  const logs = path.join(home, 'logs');
  await mkdir(logs, { recursive: true });
  const events = { say };

  try {
    const tools = await ensureTemporalServerTools(say);
    const cli = await ensureTemporalCli(say);

    let databaseUrl = settings.DATABASE_URL;
    if (!databaseUrl) {
      say('Starting PostgreSQL...');
      const database = await startSupervisedPostgres(
        { dataDir: path.join(home, 'postgres'), port: options.postgresPort, restartDelayMs: options.restartDelayMs },
        say,
      );
      teardown.add(database.stop);
      databaseUrl = database.url;
    }
    await migrate(databaseUrl);

    say("Setting up Temporal's databases (deploy/temporal/setup-schema.sh)...");
    const login = await ensureTemporalLogin(databaseUrl, path.join(home, 'temporal-db-password'), say);
    const binDir = await commandDirectory(path.join(home, 'bin'), { 'temporal-sql-tool': tools.sqlTool, temporal: cli });
    await runDeployScript(deployScripts.schema, schemaToolEnvironment(login, tools.schemaDir), { binDir, logFile: path.join(logs, 'setup-schema.log') });

    const ips = Array.from({ length: options.nodes }, (_, n) => `${options.loopback}.${n + 1}`);
    const nodeSpec = (ip: string, n: number): ProcessSpec => ({
      name: `temporal-${n + 1}`,
      command: tools.server,
      args: ['start'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...serverNodeEnvironment({ ip, database: login, dynamicConfigFile }) },
      cwd: home,
      logFile: path.join(logs, `temporal-${n + 1}.log`),
      ready: () => waitForFrontend(frontendAddress(ip), 170_000),
      stopGraceMs: 30_000,
    });
    const temporal = ips.map((ip, n) => new Supervised(nodeSpec(ip, n), options.restartDelayMs, events));
    teardown.add(() => Promise.all(temporal.map((node) => node.stop())).then(() => undefined));
    say(`Starting ${options.nodes} Temporal server node(s) on ${ips.join(', ')}...`);
    // The first node creates the cluster's metadata; the others then join it.
    await temporal[0]!.start();
    await Promise.all(temporal.slice(1).map((node) => node.start()));

    const seed = frontendAddress(ips[0]!);
    say(`Creating namespace ${settings.TEMPORAL_NAMESPACE} and its search attributes (deploy/temporal/setup-namespace.sh)...`);
    await runDeployScript(
      deployScripts.namespace,
      { TEMPORAL_ADDRESS: seed, TEMPORAL_NAMESPACE: settings.TEMPORAL_NAMESPACE },
      { binDir, logFile: path.join(logs, 'setup-namespace.log') },
    );
    await waitForNamespaceEverywhere(ips.map(frontendAddress), settings.TEMPORAL_NAMESPACE, 120_000);

    const uiUrl = `http://127.0.0.1:${options.uiPort}`;
    const uiRoot = path.join(home, 'ui');
    await mkdir(path.join(uiRoot, 'config'), { recursive: true });
    // The image's own template, read from the environment as in the temporalio/ui image; base.yaml
    // (loaded before it) only binds the UI to loopback, which the template leaves unset.
    await copyFile(tools.uiConfigTemplate, path.join(uiRoot, 'config', 'docker.yaml'));
    await writeFile(path.join(uiRoot, 'config', 'base.yaml'), 'host: 127.0.0.1\n');
    const ui = new Supervised(
      {
        name: 'ui',
        command: tools.uiServer,
        args: ['--root', uiRoot, '--env', 'docker', 'start'],
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          TEMPORAL_ADDRESS: seed,
          TEMPORAL_UI_PORT: String(options.uiPort),
          TEMPORAL_DEFAULT_NAMESPACE: settings.TEMPORAL_NAMESPACE,
          TEMPORAL_CORS_ORIGINS: `http://127.0.0.1:${settings.PORT},http://localhost:${settings.PORT}`,
        },
        logFile: path.join(logs, 'ui.log'),
        ready: () => waitForHttp(`${uiUrl}/`, 60_000),
      },
      options.restartDelayMs,
      events,
    );
    teardown.add(() => ui.stop());
    await ui.start();

    const quarryEnvironment = (address: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
      ...env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: address,
      ...extra,
    });
    const workers: Supervised[] = [];
    teardown.add(() => Promise.all(workers.map((worker) => worker.stop())).then(() => undefined));
    const addWorker = async () => {
      const n = workers.length;
      // Workers spread over the nodes' frontends, as clients of a load-balanced frontend would.
      const address = frontendAddress(ips[n % ips.length]!);
      const worker = new Supervised(
        {
          name: `worker-${n + 1}`,
          command: process.execPath,
          args: [quarryBin, 'worker'],
          env: quarryEnvironment(address, { QUARRY_METRICS_PORT: settings.QUARRY_METRICS_PORT === 0 ? '0' : String(settings.QUARRY_METRICS_PORT + n) }),
          cwd: projectRoot,
          logFile: path.join(logs, `worker-${n + 1}.log`),
          ready: (_child, output) => new Promise<void>((resolve) => output((text) => text.includes('Quarry worker polling') && resolve())),
          stopGraceMs: 30_000,
        },
        options.restartDelayMs,
        events,
      );
      workers.push(worker);
      await worker.start();
      return worker;
    };
    say(`Starting ${options.workers} worker(s) (each bundles the workflow code first)...`);
    await Promise.all(Array.from({ length: options.workers }, () => addWorker()));

    let apiUrl = '';
    const api = new Supervised(
      {
        name: 'api',
        command: process.execPath,
        args: [quarryBin, 'api'],
        env: quarryEnvironment(seed),
        cwd: projectRoot,
        logFile: path.join(logs, 'api.log'),
        ready: async (_child, output) => {
          apiUrl = await new Promise<string>((resolve) =>
            output((text) => {
              const url = /Quarry API on (\S+)/.exec(text)?.[1];
              if (url) resolve(url);
            }),
          );
          await waitForHttp(`${apiUrl}/health`, 120_000);
        },
      },
      options.restartDelayMs,
      events,
    );
    teardown.add(() => api.stop());
    await api.start();

    return {
      api: apiUrl,
      ui: uiUrl,
      database: maskUrl(databaseUrl),
      databaseUrl,
      temporal: temporal.map((node, n) => ({ address: frontendAddress(ips[n]!), node })),
      workers,
      addWorker,
      stop: () => teardown.run(),
    };
  } catch (error) {
    await teardown.run();
    throw error;
  }
}
