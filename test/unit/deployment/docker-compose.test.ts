import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTES } from '../../../src/temporal/names.ts';
import {
  ComposeFile,
  ciNodeLtsMajor,
  commandsOutsideContract,
  contractPortsPublished,
  danglingReferences,
  dockerfileProblems,
  dockerignoreProblems,
  environmentOf,
  environmentOutsideContract,
  hardCodedSecrets,
  missingServices,
  unpinnedImages,
  workersScale,
} from './compose-checks.ts';
import { type OutsideContract, contractPath, parseOutsideContract, readOutsideContract, repositoryRoot } from './outside-contract.ts';

// No Docker engine runs where the tests run, so the deployment files are checked against the outside
// contract and against themselves: names, ports, commands and references that `docker compose up`
// would otherwise only reveal on a server.

const read = (file: string) => readFileSync(path.join(repositoryRoot, file), 'utf8');
// Compose resolves `<<:` merge keys (YAML 1.1); YAML 1.2 parsers leave them off by default.
const parseCompose = (text: string) => ComposeFile.parse(parse(text, { merge: true }));

const requiredServices = ['postgresql', 'temporal', 'temporal-ui', 'quarry-api', 'quarry-worker', 'quarry-migrate'];

let contract: OutsideContract;
let composeText: string;
let compose: ComposeFile;

beforeAll(() => {
  contract = readOutsideContract();
  composeText = read('docker-compose.yml');
  compose = parseCompose(composeText);
});

/** A deep copy to break on purpose, proving that a check can fail. */
const broken = (change: (copy: ComposeFile) => void) => {
  const copy = structuredClone(compose);
  change(copy);
  return copy;
};
const service = (copy: ComposeFile, name: string) => {
  const found = copy.services[name];
  if (!found) throw new Error(`no service ${name}`);
  return found;
};

describe('the outside contract', () => {
  it('is read from ../shared/CONTRACT.md, and its absence is a failure that says where it looked', () => {
    expect(contract.environment).toContain('DATABASE_URL');
    expect(contract.commands).toEqual(expect.any(Set));
    expect(() => readOutsideContract(path.join(repositoryRoot, 'no-such-dir/CONTRACT.md'))).toThrow(
      /the outside contract is missing at .*no-such-dir\/CONTRACT\.md/,
    );
    expect(contractPath).toBe(path.resolve(repositoryRoot, '../shared/CONTRACT.md'));
  });

  it('yields the commands, variables and ports the checks compare against', () => {
    expect([...contract.commands]).toEqual(expect.arrayContaining(['up', 'api', 'worker', 'migrate']));
    expect([...contract.environment]).toEqual(expect.arrayContaining(['PORT', 'HOST', 'TEMPORAL_ADDRESS', 'OPENAI_API_KEY']));
    expect(contract.apiPort).toBe(3000);
    expect(contract.temporalUiPort).toBe(8233);
    expect(() => parseOutsideContract('# nothing here')).toThrow(/no "## Environment" section/);
  });
});

describe('docker-compose.yml', () => {
  it('has the whole production topology', () => {
    expect(missingServices(compose, requiredServices)).toEqual([]);
    expect(missingServices(broken((copy) => delete copy.services['temporal-ui']), requiredServices)).toEqual([
      'service temporal-ui is missing',
    ]);
  });

  it("gives Quarry's processes only the contract's environment variables", () => {
    expect(environmentOutsideContract(compose, contract)).toEqual([]);
    const typo = broken((copy) => {
      service(copy, 'quarry-worker').environment = { ...Object.fromEntries(environmentOf(service(copy, 'quarry-worker'))), TEMPORAL_ADRESS: 'temporal:7233' };
    });
    expect(environmentOutsideContract(typo, contract)).toEqual([
      "quarry-worker sets TEMPORAL_ADRESS, which the contract's Environment table does not name",
    ]);
  });

  it("runs only the contract's commands", () => {
    expect(commandsOutsideContract(compose, contract)).toEqual([]);
    const commands = Object.fromEntries(
      ['quarry-api', 'quarry-worker', 'quarry-migrate'].map((name) => [name, service(compose, name).command]),
    );
    expect(commands).toEqual({ 'quarry-api': ['api'], 'quarry-worker': ['worker'], 'quarry-migrate': ['migrate'] });
    expect(commandsOutsideContract(broken((copy) => (service(copy, 'quarry-api').command = ['serve'])), contract)).toEqual([
      'quarry-api runs "quarry serve", not a contract command',
    ]);
  });

  it("publishes the API on the contract's port 3000 and the Temporal UI on 8233", () => {
    expect(contractPortsPublished(compose, contract)).toEqual([]);
    expect(contractPortsPublished(broken((copy) => (service(copy, 'quarry-api').ports = ['8000:3000'])), contract)).toEqual([
      'quarry-api does not publish 3000:3000',
    ]);
    expect(contractPortsPublished(broken((copy) => (service(copy, 'temporal-ui').ports = ['8080:8080'])), contract)).toEqual([
      "temporal-ui does not publish the contract's UI port 8233 (to the UI's 8080)",
    ]);
  });

  it('binds the API beyond loopback only with QUARRY_API_TOKEN required', () => {
    const api = environmentOf(service(compose, 'quarry-api'));
    expect(api.get('HOST')).toBe('0.0.0.0');
    // `:?` makes compose refuse to start when the host has no token, as the API itself would.
    expect(api.get('QUARRY_API_TOKEN')).toMatch(/^\$\{QUARRY_API_TOKEN:\?[^}]+\}$/);
  });

  it('lets workers scale: no ports, no container name, more than one replica', () => {
    expect(workersScale(compose)).toEqual([]);
    const pinned = broken((copy) => {
      const worker = service(copy, 'quarry-worker');
      worker.ports = ['4000:4000'];
      worker.container_name = 'quarry-worker';
      worker.deploy = { replicas: 1 };
    });
    expect(workersScale(pinned)).toHaveLength(3);
  });

  it('points every dependency and every address at a service of this file', () => {
    expect(danglingReferences(compose)).toEqual([]);
    const dangling = broken((copy) => {
      const worker = service(copy, 'quarry-worker');
      worker.environment = { ...Object.fromEntries(environmentOf(worker)), DATABASE_URL: 'postgres://quarry:${POSTGRES_PASSWORD}@db:5432/quarry', TEMPORAL_ADDRESS: 'temporal-frontend:7233' };
      worker.depends_on = { migrate: { condition: 'service_completed_successfully' } };
    });
    expect(danglingReferences(dangling)).toEqual([
      'quarry-worker depends on migrate, which is not a service',
      "quarry-worker's DATABASE_URL names host db, which is not a service",
      "quarry-worker's TEMPORAL_ADDRESS names host temporal-frontend, which is not a service",
    ]);
  });

  it('hard-codes no secret: provider keys pass through from the host', () => {
    expect(hardCodedSecrets(compose, composeText)).toEqual([]);
    for (const name of ['quarry-api', 'quarry-worker']) {
      const environment = environmentOf(service(compose, name));
      for (const key of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY']) {
        expect(environment.get(key), `${name} ${key}`).toBe(`\${${key}:-}`);
      }
    }
    const leaked = broken((copy) => {
      const api = service(copy, 'quarry-api');
      api.environment = {
        ...Object.fromEntries(environmentOf(api)),
        OPENAI_API_KEY: 'sk-proj-abcdefghijklmnopqrstuvwx',
        GEMINI_API_KEY: '${GEMINI_API_KEY:-AIzaSyExampleExampleExample}',
        ANTHROPIC_API_KEY: '${OPENAI_API_KEY}',
        DATABASE_URL: 'postgres://quarry:hunter2@postgresql:5432/quarry',
      };
    });
    // Environment order is the merge's, so compare as sets.
    expect(new Set(hardCodedSecrets(leaked, 'OPENAI_API_KEY: sk-proj-abcdefghijklmnopqrstuvwx'))).toEqual(new Set([
      'quarry-api fills ANTHROPIC_API_KEY from ${OPENAI_API_KEY} rather than the host\'s own ANTHROPIC_API_KEY',
      'quarry-api gives GEMINI_API_KEY the default "AIzaSyExampleExampleExample"',
      'quarry-api hard-codes OPENAI_API_KEY',
      "quarry-api's DATABASE_URL hard-codes its password",
      'docker-compose.yml contains something shaped like a provider key: sk-proj-...',
    ]));
  });

  it('pins every image to a version', () => {
    expect(unpinnedImages(compose)).toEqual([]);
    expect(unpinnedImages(broken((copy) => (service(copy, 'temporal-ui').image = 'temporalio/ui:latest')))).toEqual([
      "temporal-ui's image temporalio/ui:latest is not pinned to a version",
    ]);
  });

  it("keeps Temporal in the PostgreSQL server's own temporal and temporal_visibility databases", () => {
    const temporal = environmentOf(service(compose, 'temporal'));
    expect(Object.fromEntries(temporal)).toMatchObject({
      DB: 'postgres12',
      POSTGRES_SEEDS: 'postgresql',
      DBNAME: 'temporal',
      VISIBILITY_DBNAME: 'temporal_visibility',
    });
  });

  it("registers the contract's search attributes once the server is up", () => {
    const adminTools = service(compose, 'temporal-admin-tools');
    expect(adminTools.depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
    expect(adminTools.command).toEqual(['/deploy/setup-namespace.sh']);
    const script = read('deploy/temporal/setup-namespace.sh');
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) expect(script).toContain(`${name}:${type}`);
    // Quarry starts only on a namespace that has them.
    for (const name of ['quarry-api', 'quarry-worker']) {
      expect(service(compose, name).depends_on).toMatchObject({ 'temporal-admin-tools': { condition: 'service_completed_successfully' } });
    }
  });
});

describe('Dockerfile and .dockerignore', () => {
  const dockerfile = () => read('Dockerfile');
  const ltsMajor = () => {
    const major = ciNodeLtsMajor(read('.ci/run'));
    if (major === undefined) throw new Error('.ci/run names no NODE_LTS_VERSION');
    return major;
  };

  it('builds every stage on the LTS Node that CI tests', () => {
    expect(ltsMajor()).toBeGreaterThanOrEqual(22);
    expect(dockerfileProblems(dockerfile(), contract, ltsMajor())).toEqual([]);
    expect(dockerfileProblems(dockerfile().replace(/node:\d+-bookworm-slim AS dashboard/, 'node:20-bookworm-slim AS dashboard'), contract, ltsMajor())).toEqual([
      `a stage builds on node:20-bookworm-slim, not node:${ltsMajor()}-bookworm-slim`,
    ]);
    expect(ciNodeLtsMajor('NODE_LTS_VERSION=latest')).toBeUndefined();
  });

  it('runs bin/quarry.js as an unprivileged user, the API by default, with a /health check', () => {
    expect(dockerfileProblems(dockerfile(), contract, ltsMajor())).toEqual([]);
    const rootAndElsewhere = dockerfile()
      .replace('ENTRYPOINT ["node", "bin/quarry.js"]', 'ENTRYPOINT ["node", "dist/main.js"]')
      .replace('USER node', 'USER root')
      .replace('CMD ["api"]', 'CMD ["serve"]');
    expect(dockerfileProblems(rootAndElsewhere, contract, ltsMajor())).toEqual([
      'ENTRYPOINT is ["node", "dist/main.js"], not ["node", "bin/quarry.js"]',
      'the default CMD is ["serve"], not the contract\'s "api"',
      'the image runs as root',
    ]);
    expect(dockerfileProblems(`${dockerfile()}\nCOPY node_modules ./node_modules\n`, contract, ltsMajor())).toEqual([
      'COPY node_modules ./node_modules takes host state into the image',
    ]);
  });

  it('keeps local state and host-built binaries out of the build context', () => {
    const required = ['node_modules', '.data', '.tools', '.git'];
    expect(dockerignoreProblems(read('.dockerignore'), required)).toEqual([]);
    expect(dockerignoreProblems('node_modules\n# .data\n', required)).toEqual([
      '.dockerignore does not exclude .data',
      '.dockerignore does not exclude .tools',
      '.dockerignore does not exclude .git',
    ]);
  });
});
