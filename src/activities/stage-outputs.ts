import type { ModelStage } from '../contract/stages.ts';
import type { Pool, PoolClient } from '../db/pool.ts';
import { readOutputs, storeOutput, type StageOutput } from '../db/stage-outputs.ts';
import { runIdOf } from './workflow-execution.ts';

/** Keeps this run's output of a stage (see db/stage-outputs.ts). */
export async function storeRunOutput(client: Pool | PoolClient, queueItemId: string, stage: string, step: number, model: string | null, output: unknown) {
  await storeOutput(client, { queueItemId, runId: runIdOf(), stage, step }, model, output);
}

/** This run's outputs of a model stage, by step. */
export function readRunOutputs<S extends ModelStage>(client: Pool | PoolClient, queueItemId: string, stage: S): Promise<Array<StageOutput<S>>> {
  return readOutputs(client, queueItemId, runIdOf(), stage);
}
