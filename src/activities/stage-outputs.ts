import type { Pool, PoolClient } from '../db/pool.ts';
import { storeOutput } from '../db/stage-outputs.ts';
import { runIdOf } from './workflow-execution.ts';

/** Keeps this run's output of a stage (see db/stage-outputs.ts). */
export async function storeRunOutput(client: Pool | PoolClient, queueItemId: string, stage: string, step: number, model: string | null, output: unknown) {
  await storeOutput(client, { queueItemId, runId: runIdOf(), stage, step }, model, output);
}

