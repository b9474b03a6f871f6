import { Context } from '@temporalio/activity';
import type { ModelStage } from '../contract/stages.ts';
import type { Pool, PoolClient } from '../db/pool.ts';
import { readOutputs, storeOutput, type StageOutput } from '../db/stage-outputs.ts';

/** The workflow execution this activity runs for; Quarry's activities always run inside one. */
export function executionOf(): { workflowId: string; runId: string } {
  const execution = Context.current().info.workflowExecution;
  if (!execution) throw new Error('this activity must run inside a workflow');
  return execution;
}

export function runIdOf(): string {
  return executionOf().runId;
}

/** Keeps this run's output of a stage (see db/stage-outputs.ts). */
export async function storeRunOutput(client: Pool | PoolClient, queueItemId: string, stage: string, step: number, model: string | null, output: unknown) {
  await storeOutput(client, { queueItemId, runId: runIdOf(), stage, step }, model, output);
}

/** This run's outputs of a model stage, by step. */
export function readRunOutputs<S extends ModelStage>(client: Pool | PoolClient, queueItemId: string, stage: S): Promise<Array<StageOutput<S>>> {
  return readOutputs(client, queueItemId, runIdOf(), stage);
}
