import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Settings } from '../config/environment.ts';
import type { ModelConfig } from '../contract/model-config.ts';
import type { Started } from '../contract/queue.ts';
import type { ResumableStage } from '../contract/stages.ts';
import { claimForRun, recordRunId, restoreClaimedItem } from '../db/item-runs.ts';
import type { Pool } from '../db/pool.ts';
import { startsEagerly } from '../temporal/eager-start.ts';
import { workflowIdFor } from '../temporal/names.ts';
import { ConfigurationIdKey, ExtractionStatusKey, QueueItemIdKey } from '../temporal/search-attributes.ts';
import { extractDocument } from '../workflows/extract-document.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import { extractionInputFor } from './extraction-input.ts';

export type StartedRun = Started;

/**
 * Starts the extraction workflow of one queue item with a resolved configuration. The item's row is
 * locked while its status moves to `queued` (one statement, see claimForRun), so concurrent requests
 * for the same item serialise:
 * the first starts the run, the others see it active and get a 409. The workflow id conflict policy
 * is the second guard, for a run started by other means.
 */
export async function startExtraction(
  deps: { pool: Pool; temporal: Client; settings: Settings },
  itemId: string,
  config: ModelConfig,
  configurationId: string,
  resume?: { fromRunId: string; fromStage: ResumableStage },
): Promise<StartedRun> {
  const workflowId = workflowIdFor(itemId);
  const claim = await claimForRun(deps.pool, itemId, { config: { ...config, configuration_id: configurationId }, configurationId, workflowId });
  if (!claim) throw new NotFoundError(`queue item ${itemId}`);
  const previous = claim.previous;
  if (!claim.claimed) {
    throw new ConflictError('run_active', `queue item ${itemId} is ${previous.status}; its run ${workflowId} is still active`, {
      workflow_id: workflowId,
      status: previous.status,
    });
  }

  const input = extractionInputFor(itemId, configurationId, config, deps.settings, resume);
  const start = () =>
    deps.temporal.workflow.start(extractDocument, {
      workflowId,
      taskQueue: deps.settings.QUARRY_TASK_QUEUE,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      requestEagerStart: startsEagerly(deps.temporal),
      typedSearchAttributes: [
        { key: QueueItemIdKey, value: itemId },
        { key: ExtractionStatusKey, value: 'queued' },
        { key: ConfigurationIdKey, value: configurationId },
      ],
      memo: {
        configuration: {
          id: configurationId,
          temperature: config.temperature,
          orchestrator: config.orchestrator_model,
          classify: config.stage_models.classify.join(' → '),
          extract: config.stage_models.extract.join(' → '),
          validate: config.stage_models.validate.join(' → '),
        },
      },
      staticSummary: `Extraction of queue item ${itemId}`,
      staticDetails:
        `**Configuration** ${configurationId} at temperature ${config.temperature}\n\n` +
        `- classify: ${config.stage_models.classify.join(' → ')}\n` +
        `- extract: ${config.stage_models.extract.join(' → ')}\n` +
        `- validate: ${config.stage_models.validate.join(' → ')}\n` +
        `- orchestrator: ${config.orchestrator_model}`,
    });
  try {
    let handle;
    try {
      handle = await start();
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      // The item's last run is over in the database (its final activity committed) but its workflow
      // closes one workflow task later: give it a moment rather than refuse the user.
      await waitForClose(deps.temporal, workflowId, CLOSING_GRACE_MS);
      handle = await start();
    }
    await recordRunId(deps.pool, itemId, workflowId, handle.firstExecutionRunId);
    return { id: itemId, workflow_id: workflowId, run_id: handle.firstExecutionRunId, status: 'queued' };
  } catch (error) {
    // No run started (Temporal refused, was unreachable, or another run is open): give the item back
    // the state it had, so nothing is left claiming a run, or a configuration, that never ran.
    await restoreClaimedItem(deps.pool, previous);
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new ConflictError('run_active', `a run of ${workflowId} is still open`, { workflow_id: workflowId });
    }
    throw error;
  }
}

const CLOSING_GRACE_MS = 10_000;

/** Waits until the workflow's current run closes (however it ends), or the time is up. */
async function waitForClose(temporal: Client, workflowId: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    temporal.workflow.getHandle(workflowId).result().catch(() => undefined),
    new Promise((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}
