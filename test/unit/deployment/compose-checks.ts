import { z } from 'zod';
import type { OutsideContract } from './outside-contract.ts';

/**
 * Consistency checks of docker-compose.yml and the Dockerfile, for a machine without a Docker engine.
 * Each check returns the problems it finds, in words, so a test can show both that the real files
 * pass and that a broken copy is caught.
 */

const Environment = z.union([
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  z.array(z.string()),
]);
const Port = z.union([z.string(), z.number(), z.looseObject({ target: z.number(), published: z.union([z.string(), z.number()]).optional() })]);
const DependsOn = z.union([z.array(z.string()), z.record(z.string(), z.looseObject({ condition: z.string().optional() }))]);

const Service = z.looseObject({
  image: z.string().optional(),
  build: z.unknown().optional(),
  command: z.union([z.string(), z.array(z.string())]).optional(),
  environment: Environment.optional(),
  ports: z.array(Port).optional(),
  depends_on: DependsOn.optional(),
  container_name: z.string().optional(),
  deploy: z.looseObject({ replicas: z.number().optional() }).optional(),
  healthcheck: z.looseObject({ disable: z.boolean().optional(), test: z.unknown().optional() }).optional(),
});
export const ComposeFile = z.looseObject({ services: z.record(z.string(), Service) });

export type ComposeFile = z.infer<typeof ComposeFile>;
export type Service = z.infer<typeof Service>;

export const quarryServices = (compose: ComposeFile) =>
  Object.entries(compose.services).filter(([name]) => name.startsWith('quarry-'));

/** A service's environment as name → value; a list entry without `=` passes the host's value (null). */
export function environmentOf(service: Service): Map<string, string | null> {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return new Map(
      environment.map((entry) => {
        const split = entry.indexOf('=');
        return split === -1 ? [entry, null] : [entry.slice(0, split), entry.slice(split + 1)];
      }),
    );
  }
  return new Map(Object.entries(environment).map(([name, value]) => [name, value === null ? null : String(value)]));
}

interface PublishedPort {
  host?: number;
  container: number;
}

/** Short (`"127.0.0.1:8233:8080"`, `"3000"`) and long (`{target, published}`) port syntax alike. */
export function portsOf(service: Service): PublishedPort[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') {
      return { container: port.target, ...(port.published === undefined ? {} : { host: Number(port.published) }) };
    }
    const parts = String(port).replace(/\/(tcp|udp)$/, '').split(':');
    const container = Number(parts.at(-1));
    return parts.length > 1 ? { host: Number(parts.at(-2)), container } : { container };
  });
}

export function commandOf(service: Service): string | undefined {
  const command = service.command;
  return Array.isArray(command) ? command[0] : command?.trim().split(/\s+/)[0];
}

export function dependenciesOf(service: Service): string[] {
  const dependsOn = service.depends_on ?? [];
  return Array.isArray(dependsOn) ? dependsOn : Object.keys(dependsOn);
}

/** `${NAME}`, `${NAME:-default}`, `${NAME:?message}` and their forms without the colon. */
const interpolation = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

/** Replaces every interpolation by a placeholder, to parse what the value looks like once resolved. */
export const withoutInterpolation = (value: string) => value.replace(interpolation, 'interpolated');

export function missingServices(compose: ComposeFile, required: readonly string[]): string[] {
  return required.filter((name) => !(name in compose.services)).map((name) => `service ${name} is missing`);
}

export function environmentOutsideContract(compose: ComposeFile, contract: OutsideContract): string[] {
  return quarryServices(compose).flatMap(([name, service]) =>
    [...environmentOf(service).keys()]
      .filter((variable) => !contract.environment.has(variable))
      .map((variable) => `${name} sets ${variable}, which the contract's Environment table does not name`),
  );
}

export function commandsOutsideContract(compose: ComposeFile, contract: OutsideContract): string[] {
  return quarryServices(compose).flatMap(([name, service]) => {
    const command = commandOf(service);
    if (command === undefined) return [`${name} has no command: the image's default would run instead`];
    return contract.commands.has(command) ? [] : [`${name} runs "quarry ${command}", not a contract command`];
  });
}

/** The API and the Temporal UI are reachable on the contract's ports, on the host and inside. */
export function contractPortsPublished(compose: ComposeFile, contract: OutsideContract): string[] {
  const problems: string[] = [];
  const api = compose.services['quarry-api'];
  if (api) {
    const apiPort = environmentOf(api).get('PORT') ?? String(contract.apiPort);
    if (Number(apiPort) !== contract.apiPort) problems.push(`quarry-api listens on PORT ${apiPort}, not ${contract.apiPort}`);
    const published = portsOf(api).some((port) => port.host === contract.apiPort && port.container === Number(apiPort));
    if (!published) problems.push(`quarry-api does not publish ${contract.apiPort}:${apiPort}`);
    const host = environmentOf(api).get('HOST');
    if (host !== '0.0.0.0') problems.push(`quarry-api binds HOST ${host ?? '127.0.0.1 (default)'}: unreachable from outside its container`);
  }
  const ui = compose.services['temporal-ui'];
  if (ui && !portsOf(ui).some((port) => port.host === contract.temporalUiPort && port.container === 8080)) {
    problems.push(`temporal-ui does not publish the contract's UI port ${contract.temporalUiPort} (to the UI's 8080)`);
  }
  return problems;
}

/** Workers poll Temporal; nothing connects to them, and several must be able to run at once. */
export function workersScale(compose: ComposeFile): string[] {
  const worker = compose.services['quarry-worker'];
  if (!worker) return [];
  const problems: string[] = [];
  if (portsOf(worker).length > 0) problems.push('quarry-worker publishes ports: a second replica would collide');
  if (worker.container_name) problems.push('quarry-worker has a container_name: it cannot have several replicas');
  if ((worker.deploy?.replicas ?? 1) < 2) problems.push('quarry-worker does not run more than one replica');
  if (worker.healthcheck?.disable !== true) {
    problems.push("quarry-worker keeps the image's /health check, which only the API answers");
  }
  return problems;
}

// URL.parse arrived in Node 22; Node 20 only has the throwing constructor.
function hostnameOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/** Every service name that another service reaches: depends_on targets and the hosts of addresses. */
export function danglingReferences(compose: ComposeFile): string[] {
  const services = new Set(Object.keys(compose.services));
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    for (const dependency of dependenciesOf(service)) {
      if (!services.has(dependency)) problems.push(`${name} depends on ${dependency}, which is not a service`);
    }
    const environment = environmentOf(service);
    const databaseUrl = environment.get('DATABASE_URL');
    if (databaseUrl !== undefined) {
      const host = databaseUrl === null ? undefined : hostnameOf(withoutInterpolation(databaseUrl));
      if (!host || !services.has(host)) problems.push(`${name}'s DATABASE_URL names host ${host}, which is not a service`);
    }
    for (const variable of ['TEMPORAL_ADDRESS', 'POSTGRES_SEEDS']) {
      const value = environment.get(variable);
      if (value === undefined) continue;
      const host = value?.split(':')[0];
      if (!host || !services.has(host)) problems.push(`${name}'s ${variable} names host ${host}, which is not a service`);
    }
  }
  return problems;
}

const secretName = /(_API_KEY|_TOKEN|PASSWORD|_PWD)$/;
const providerKey = /^(OPENAI|ANTHROPIC|GEMINI)_API_KEY$/;
// Shapes of real provider keys: OpenAI `sk-...`/`sk-proj-...`, Anthropic `sk-ant-...`, Google `AIza...`.
const keyShaped = /\b(sk-[A-Za-z0-9_-]{16,}|AIza[0-9A-Za-z_-]{30,})/;

/**
 * Secrets come from the host's environment: a secret variable's value is one interpolation with no
 * default, a provider key passes the host's variable of the same name through, DATABASE_URL keeps its
 * password interpolated, and nothing in the file looks like a provider key.
 */
export function hardCodedSecrets(compose: ComposeFile, composeText: string): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    for (const [variable, value] of environmentOf(service)) {
      if (value === null) continue;
      if (secretName.test(variable)) {
        const whole = [...value.matchAll(interpolation)];
        const only = whole.length === 1 && whole[0]?.[0] === value ? whole[0] : undefined;
        if (!only) problems.push(`${name} hard-codes ${variable}`);
        else if (only[2]?.endsWith('-') && only[3]) problems.push(`${name} gives ${variable} the default "${only[3]}"`);
        else if (providerKey.test(variable) && only[1] !== variable) {
          problems.push(`${name} fills ${variable} from \${${only[1]}} rather than the host's own ${variable}`);
        }
      }
      if (variable === 'DATABASE_URL') {
        const password = /^[a-z0-9+]+:\/\/[^:@/]*:([^@]*)@/i.exec(value)?.[1];
        if (password !== undefined && !/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(password)) {
          problems.push(`${name}'s DATABASE_URL hard-codes its password`);
        }
      }
    }
  }
  const leaked = keyShaped.exec(composeText);
  if (leaked) problems.push(`docker-compose.yml contains something shaped like a provider key: ${leaked[0].slice(0, 8)}...`);
  return problems;
}

/** Every image names a version: `latest`, or no tag at all, changes under a running deployment. */
export function unpinnedImages(compose: ComposeFile): string[] {
  return Object.entries(compose.services).flatMap(([name, service]) => {
    if (!service.image) return service.build ? [] : [`${name} has neither an image nor a build`];
    const tag = /:([^/:]+)$/.exec(service.image)?.[1];
    if (!tag || tag === 'latest') return [`${name}'s image ${service.image} is not pinned to a version`];
    return [];
  });
}

interface DockerInstruction {
  keyword: string;
  argument: string;
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
export function dockerInstructions(dockerfile: string): DockerInstruction[] {
  return dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), argument: rest.join(' ') };
    });
}

/** The exec form `["a", "b"]` as its words; the shell form split on spaces. */
function words(argument: string): string[] {
  try {
    const parsed: unknown = JSON.parse(argument);
    if (Array.isArray(parsed)) return parsed.map(String);
  } catch {
    // Not the exec form.
  }
  return argument.split(/\s+/);
}

/** The Node release CI runs the suite on besides the machine's: `NODE_LTS_VERSION=` in .ci/run. */
export function ciNodeLtsMajor(ciScript: string): number | undefined {
  const version = /^NODE_LTS_VERSION=(\d+)\.\d+\.\d+$/m.exec(ciScript)?.[1];
  return version === undefined ? undefined : Number(version);
}

/** Every stage builds on the Node release that CI tests as the LTS, so the image runs a tested Node. */
export function dockerfileProblems(dockerfile: string, contract: OutsideContract, nodeMajor: number): string[] {
  const instructions = dockerInstructions(dockerfile);
  const last = (keyword: string) => instructions.filter((instruction) => instruction.keyword === keyword).at(-1);
  const problems: string[] = [];

  const expectedBase = `node:${nodeMajor}-bookworm-slim`;
  for (const stage of instructions.filter((instruction) => instruction.keyword === 'FROM')) {
    const from = stage.argument.split(/\s+/)[0];
    if (from !== expectedBase) problems.push(`a stage builds on ${from}, not ${expectedBase}`);
  }

  const entrypoint = last('ENTRYPOINT');
  if (!entrypoint || JSON.stringify(words(entrypoint.argument)) !== JSON.stringify(['node', 'bin/quarry.js'])) {
    problems.push(`ENTRYPOINT is ${entrypoint?.argument ?? 'missing'}, not ["node", "bin/quarry.js"]`);
  }
  const command = last('CMD');
  const defaultCommand = command ? words(command.argument)[0] : undefined;
  if (defaultCommand !== 'api' || !contract.commands.has(defaultCommand)) {
    problems.push(`the default CMD is ${command?.argument ?? 'missing'}, not the contract's "api"`);
  }

  const user = last('USER')?.argument;
  if (!user || /^(root|0)(:|$)/.test(user)) problems.push(`the image runs as ${user ?? 'root (no USER)'}`);

  const healthcheck = last('HEALTHCHECK')?.argument ?? '';
  if (!healthcheck.includes('/health')) problems.push('HEALTHCHECK does not call GET /health');

  for (const copy of instructions.filter((instruction) => instruction.keyword === 'COPY')) {
    if (/(^|\s)(\.\/)?(node_modules|\.data|\.tools)(\/|\s|$)/.test(copy.argument) && !copy.argument.includes('--from=')) {
      problems.push(`COPY ${copy.argument} takes host state into the image`);
    }
  }
  return problems;
}

/** Paths `.dockerignore` must exclude from the build context: local state and host-built binaries. */
export function dockerignoreProblems(dockerignore: string, required: readonly string[]): string[] {
  const patterns = new Set(
    dockerignore
      .split(/\r?\n/)
      .map((line) => line.trim().replace(/^\/|\/$/g, ''))
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  return required.filter((entry) => !patterns.has(entry)).map((entry) => `.dockerignore does not exclude ${entry}`);
}
