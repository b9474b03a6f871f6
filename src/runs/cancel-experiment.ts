import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { getExperiment } from '../db/experiments.ts';
import type { Pool } from '../db/pool.ts';
import { ConflictError, NotFoundError } from './errors.ts';

/** Cancels a running experiment's parent workflow; it cancels its running extractions and closes the experiment. */
export async function cancelExperiment(deps: { pool: Pool; temporal: Client }, id: string): Promise<{ id: string; status: 'cancelling' }> {
  const experiment = await getExperiment(deps.pool, id);
  if (!experiment) throw new NotFoundError(`experiment ${id}`);
  if (experiment.status !== 'running') throw new ConflictError('not_running', `experiment ${id} is ${experiment.status}`);
  try {
    await deps.temporal.workflow.getHandle(experiment.workflow_id).cancel();
  } catch (error) {
    // The experiment's record names a workflow Temporal does not have: the same answer as for an item.
    if (error instanceof WorkflowNotFoundError) {
      throw new NotFoundError(`the workflow ${experiment.workflow_id} of experiment ${id}`, { workflow_id: experiment.workflow_id }, { cause: error });
    }
    throw error;
  }
  return { id, status: 'cancelling' };
}
