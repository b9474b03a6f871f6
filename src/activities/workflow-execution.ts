import { Context } from '@temporalio/activity';

/** The workflow execution this activity runs for; Quarry's activities always run inside one. */
export function executionOf(): { workflowId: string; runId: string } {
  const execution = Context.current().info.workflowExecution;
  if (!execution) throw new Error('this activity must run inside a workflow');
  return execution;
}

/** The run this activity belongs to: what a run's stage outputs and ledger rows are keyed by. */
export function runIdOf(): string {
  return executionOf().runId;
}
