import path from 'node:path';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../../../src/temporal/server-binary.ts';
import { serverNodeEnvironment, schemaToolEnvironment } from '../../../src/temporal/server-node.ts';
import { commandOf, environmentOf, type ComposeFile, type Service } from './compose-checks.ts';

/**
 * Checks that docker-compose.yml runs the Temporal cluster `quarry cluster up` runs: the same
 * server and UI versions, the same server settings, the same dynamic config file and the same
 * deploy/ scripts. Each returns its problems in words, like compose-checks.ts.
 */

export interface ClusterFiles {
  /** The repository-relative path of the dynamic config file `quarry cluster up` gives every node. */
  dynamicConfigFile: string;
  /** The repository-relative paths of the scripts `quarry cluster up` runs. */
  schemaScript: string;
  namespaceScript: string;
}

const tagOf = (image: string | undefined) => (image ? /:([^/:]+)$/.exec(image)?.[1] : undefined);

/** `temporalio/server`, `temporalio/admin-tools` and `temporalio/ui` at the versions the cluster builds. */
export function versionProblems(compose: ComposeFile): string[] {
  const expected: Record<string, string> = {
    'temporalio/server': TEMPORAL_SERVER_VERSION,
    'temporalio/admin-tools': TEMPORAL_SERVER_VERSION,
    'temporalio/ui': TEMPORAL_UI_VERSION,
  };
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [name, service] of Object.entries(compose.services)) {
    const repository = service.image?.replace(/:[^/:]+$/, '');
    if (!repository || !(repository in expected)) continue;
    seen.add(repository);
    const tag = tagOf(service.image);
    if (tag !== expected[repository]) problems.push(`${name} runs ${service.image}, but quarry cluster up runs ${repository.split('/')[1]} ${expected[repository]}`);
  }
  for (const repository of Object.keys(expected)) if (!seen.has(repository)) problems.push(`no service runs ${repository}`);
  return problems;
}

// Settings that differ by design: addresses, credentials, where the file is, how much is logged.
const perDeployment = new Set(['DB_PORT', 'POSTGRES_SEEDS', 'POSTGRES_USER', 'POSTGRES_PWD', 'SQL_PASSWORD', 'BIND_ON_IP', 'DYNAMIC_CONFIG_FILE_PATH', 'LOG_LEVEL', 'TEMPORAL_SCHEMA_DIR']);

function sameSettings(name: string, service: Service, ours: Record<string, string>, optional: Set<string>): string[] {
  const theirs = environmentOf(service);
  const problems: string[] = [];
  for (const [variable, value] of Object.entries(ours)) {
    const composeValue = theirs.get(variable);
    if (composeValue === undefined) {
      if (!optional.has(variable)) problems.push(`${name} does not set ${variable} (quarry cluster up: ${perDeployment.has(variable) ? 'per deployment' : value})`);
    } else if (!perDeployment.has(variable) && composeValue !== value) {
      problems.push(`${name} sets ${variable}=${composeValue}, quarry cluster up ${value}`);
    }
  }
  return problems;
}

const sample = { host: 'h', port: 5432, user: 'u', password: 'p' };

/** The server's own settings (store, visibility, database names, history shards) are the same. */
export function serverSettingProblems(compose: ComposeFile): string[] {
  const temporal = compose.services.temporal;
  if (!temporal) return ['service temporal is missing'];
  const ours = serverNodeEnvironment({ ip: '127.0.0.1', database: sample, dynamicConfigFile: 'x' });
  return sameSettings('temporal', temporal, ours, new Set(['LOG_LEVEL']));
}

/** temporal-schema gives setup-schema.sh what the cluster gives it (the image has the schema dir). */
export function schemaSettingProblems(compose: ComposeFile): string[] {
  const schema = compose.services['temporal-schema'];
  if (!schema) return ['service temporal-schema is missing'];
  // DBNAME and VISIBILITY_DBNAME default in the script to the names the cluster passes.
  return sameSettings('temporal-schema', schema, schemaToolEnvironment(sample, 'x'), new Set(['TEMPORAL_SCHEMA_DIR', 'DBNAME', 'VISIBILITY_DBNAME']));
}

interface Mount {
  source: string;
  target: string;
}

function mountsOf(service: Service): Mount[] {
  const volumes = (service as { volumes?: unknown }).volumes;
  if (!Array.isArray(volumes)) return [];
  return volumes.flatMap((volume): Mount[] => {
    if (typeof volume !== 'string') return [];
    const [source = '', target = ''] = volume.split(':');
    return [{ source, target }];
  });
}

/** Where a container path comes from in the repository, through the service's bind mounts. */
function repositoryPathOf(service: Service, containerPath: string): string | undefined {
  for (const mount of mountsOf(service)) {
    if (!mount.source.startsWith('.')) continue;
    if (containerPath === mount.target || containerPath.startsWith(`${mount.target}/`)) {
      return path.posix.normalize(path.posix.join(mount.source, containerPath.slice(mount.target.length)));
    }
  }
  return undefined;
}

/** The one-shot services run the very scripts the cluster runs, and the server reads its dynamic config. */
export function sharedFileProblems(compose: ComposeFile, files: ClusterFiles): string[] {
  const problems: string[] = [];
  const scripts: Array<[string, string]> = [
    ['temporal-schema', files.schemaScript],
    ['temporal-admin-tools', files.namespaceScript],
  ];
  for (const [name, script] of scripts) {
    const service = compose.services[name];
    const command = service ? commandOf(service) : undefined;
    const runs = service && command ? repositoryPathOf(service, command) : undefined;
    if (runs !== script) problems.push(`${name} runs ${runs ?? command ?? 'nothing'}, quarry cluster up ${script}`);
  }
  const temporal = compose.services.temporal;
  if (temporal) {
    const configured = environmentOf(temporal).get('DYNAMIC_CONFIG_FILE_PATH') ?? '';
    // The server image's working directory is /etc/temporal.
    const containerPath = configured.startsWith('/') ? configured : path.posix.join('/etc/temporal', configured);
    const file = repositoryPathOf(temporal, containerPath);
    if (file !== files.dynamicConfigFile) problems.push(`temporal reads dynamic config ${file ?? containerPath}, quarry cluster up ${files.dynamicConfigFile}`);
  }
  return problems;
}
