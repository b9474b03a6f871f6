import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { migrate } from '../src/db/migrate.ts';
import { ensureTemporalCli } from '../src/temporal/cli-binary.ts';
import { startTemporalDevServer } from '../src/temporal/dev-server.ts';
import { workflowsPath } from '../src/worker/start-worker.ts';
import { freePort } from '../src/net/free-port.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    workflowBundlePath: string;
  }
}

/**
 * One real Temporal dev server and one real PostgreSQL for the whole run (unless TEMPORAL_ADDRESS
 * and DATABASE_URL name existing ones), the schema migrated, and the workflow code bundled once for
 * every test's workers.
 */
export default async function setup(project: TestProject) {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  const scratch = await mkdtemp(path.join(tmpdir(), 'quarry-test-'));
  // As root, PostgreSQL runs as the postgres user, which must be able to enter this directory.
  await chmod(scratch, 0o755);
  stops.push(() => rm(scratch, { recursive: true, force: true }));
  try {

  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const cliPath = await ensureTemporalCli((line) => process.stderr.write(`${line}\n`));
    const server = await startTemporalDevServer({ cliPath, port: await freePort() });
    stops.push(server.stop);
    temporalAddress = server.address;
  }

  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const database = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'postgres'), port: await freePort() });
    stops.push(database.stop);
    databaseUrl = database.url;
  }
  await migrate(databaseUrl);

  const bundle = await bundleWorkflowCode({ workflowsPath, logger: undefined });
  const workflowBundlePath = path.join(scratch, 'workflow-bundle.js');
  await writeFile(workflowBundlePath, bundle.code);

  project.provide('temporalAddress', temporalAddress);
  project.provide('databaseUrl', databaseUrl);
  project.provide('workflowBundlePath', workflowBundlePath);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}
