import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '../../../src/temporal/cli-binary.ts';
import { deployScripts, dynamicConfigFile } from '../../../src/temporal/deploy-scripts.ts';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../../../src/temporal/server-binary.ts';
import { NUM_HISTORY_SHARDS } from '../../../src/temporal/server-node.ts';
import { temporalRoleScript, temporalRoleSql } from '../../../src/temporal/temporal-database.ts';
import { ComposeFile } from './compose-checks.ts';
import { schemaSettingProblems, serverSettingProblems, sharedFileProblems, versionProblems, type ClusterFiles } from './cluster-checks.ts';

// `quarry cluster up` is the compose topology run here without Docker: these tests hold the two to
// the same server, the same settings and the same files, so a change to one that the other misses
// fails here rather than on the first server that runs compose.

const relative = (file: string) => path.relative(projectRoot, file).split(path.sep).join('/');
const files: ClusterFiles = {
  dynamicConfigFile: relative(dynamicConfigFile),
  schemaScript: relative(deployScripts.schema),
  namespaceScript: relative(deployScripts.namespace),
};

let compose: ComposeFile;
beforeAll(() => {
  compose = ComposeFile.parse(parse(readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8'), { merge: true }));
});

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

describe('docker-compose.yml and quarry cluster up', () => {
  it('run the same Temporal server, admin tools and UI versions', () => {
    expect(versionProblems(compose)).toEqual([]);
    const older = broken((copy) => {
      service(copy, 'temporal').image = 'temporalio/server:1.30.1';
      service(copy, 'temporal-ui').image = 'temporalio/ui:2.34.0';
    });
    expect(versionProblems(older)).toEqual([
      `temporal runs temporalio/server:1.30.1, but quarry cluster up runs server ${TEMPORAL_SERVER_VERSION}`,
      `temporal-ui runs temporalio/ui:2.34.0, but quarry cluster up runs ui ${TEMPORAL_UI_VERSION}`,
    ]);
  });

  it('give the server the same store, visibility, database names and history shards', () => {
    expect(serverSettingProblems(compose)).toEqual([]);
    expect(service(compose, 'temporal').environment).toMatchObject({ NUM_HISTORY_SHARDS: NUM_HISTORY_SHARDS });
    const drifted = broken((copy) => {
      const temporal = service(copy, 'temporal');
      temporal.environment = { ...(temporal.environment as Record<string, unknown> as Record<string, string>), NUM_HISTORY_SHARDS: '4' };
      delete (temporal.environment as Record<string, string>).VISIBILITY_DBNAME;
    });
    expect(serverSettingProblems(drifted)).toEqual([
      'temporal does not set VISIBILITY_DBNAME (quarry cluster up: temporal_visibility)',
      `temporal sets NUM_HISTORY_SHARDS=4, quarry cluster up ${NUM_HISTORY_SHARDS}`,
    ]);
  });

  it('set the schema up with the same variables', () => {
    expect(schemaSettingProblems(compose)).toEqual([]);
    const unnamed = broken((copy) => {
      const schema = service(copy, 'temporal-schema');
      schema.environment = { POSTGRES_SEEDS: 'postgresql', DB_PORT: '5432', POSTGRES_USER: 'temporal' };
    });
    expect(schemaSettingProblems(unnamed)).toEqual(['temporal-schema does not set SQL_PASSWORD (quarry cluster up: per deployment)']);
  });

  it('run the same deploy/ scripts and dynamic config file', () => {
    expect(files).toEqual({
      dynamicConfigFile: 'deploy/temporal/dynamicconfig/production-sql.yaml',
      schemaScript: 'deploy/temporal/setup-schema.sh',
      namespaceScript: 'deploy/temporal/setup-namespace.sh',
    });
    expect(sharedFileProblems(compose, files)).toEqual([]);
    const elsewhere = broken((copy) => {
      service(copy, 'temporal-schema').command = ['/etc/temporal/setup-postgres.sh'];
      const temporal = service(copy, 'temporal');
      temporal.environment = { ...(temporal.environment as Record<string, string>), DYNAMIC_CONFIG_FILE_PATH: 'config/dynamicconfig/docker.yaml' };
    });
    expect(sharedFileProblems(elsewhere, files)).toEqual([
      'temporal-schema runs /etc/temporal/setup-postgres.sh, quarry cluster up deploy/temporal/setup-schema.sh',
      'temporal reads dynamic config deploy/temporal/dynamicconfig/docker.yaml, quarry cluster up deploy/temporal/dynamicconfig/production-sql.yaml',
    ]);
  });

  it("give Temporal the role deploy/postgres/initdb creates, with that script's own SQL", () => {
    const sql = temporalRoleSql(readFileSync(temporalRoleScript, 'utf8'), "it's secret");
    expect(sql).toBe("CREATE ROLE temporal LOGIN CREATEDB PASSWORD 'it''s secret';");
    expect(() => temporalRoleSql('psql -c "CREATE ROLE temporal"', 'x')).toThrow(/no <<'SQL' … SQL block/);
  });

  it('run the server as a cluster of more than one node', () => {
    expect(service(compose, 'temporal').deploy?.replicas).toBeGreaterThan(1);
  });
});
