import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Settings } from '../config/environment.ts';
import { inTransaction, type Pool } from '../db/pool.ts';
import { ACTIVE_STATUSES, getQueueItem } from '../db/queue-items.ts';
import type { ModelConfig } from '../contract/model-config.ts';
import { HttpError, notFound } from '../api/errors.ts';
import { workflowIdFor } from '../temporal/names.ts';
import { ConfigurationIdKey, ExtractionStatusKey, QueueItemIdKey } from '../temporal/search-attributes.ts';
import { extractDocument } from '../workflows/extract-document.ts';
import type { ResumableStage } from '../workflows/extraction-types.ts';
import { extractionInputFor } from './extraction-input.ts';

export interface StartedRun {
  id: string;
  workflow_id: string;
  run_id: string;
  status: 'queued';
}

/**
 * Starts the extraction workflow of one queue item with a resolved configuration. The item's row is
 * locked while its status moves to `queued`, so concurrent requests for the same item serialise:
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
  const previous = await inTransaction(deps.pool, async (client) => {
    const item = await getQueueItem(client, itemId, true);
    if (!item) throw notFound(`queue item ${itemId}`);
    if (ACTIVE_STATUSES.includes(item.status)) {
      throw new HttpError(409, 'run_active', `queue item ${itemId} is ${item.status}; its run ${workflowId} is still active`, {
        workflow_id: workflowId,
        status: item.status,
      });
    }
    await client.query(
      `UPDATE ai_extraction_queue
          SET status = 'queued', model_config = $2, configuration_id = $3, workflow_id = $4, run_id = NULL,
              current_stage = NULL, result = NULL, accuracy = NULL, error = NULL, simulated = NULL,
              started_at = now(), finished_at = NULL, updated_at = now()
        WHERE id = $1`,
      [itemId, JSON.stringify({ ...config, configuration_id: configurationId }), configurationId, workflowId],
    );
    return item;
  });

  const input = extractionInputFor(itemId, configurationId, config, deps.settings, resume);
  const start = () =>
    deps.temporal.workflow.start(extractDocument, {
      workflowId,
      taskQueue: deps.settings.QUARRY_TASK_QUEUE,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
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
    await deps.pool.query('UPDATE ai_extraction_queue SET run_id = $2 WHERE id = $1 AND workflow_id = $3', [
      itemId,
      handle.firstExecutionRunId,
      workflowId,
    ]);
    return { id: itemId, workflow_id: workflowId, run_id: handle.firstExecutionRunId, status: 'queued' };
  } catch (error) {
    // No run started (Temporal refused, was unreachable, or another run is open): give the item back
    // the state it had, so nothing is left claiming a run, or a configuration, that never ran.
    await deps.pool.query(
      `UPDATE ai_extraction_queue
          SET status = $2, model_config = $3, configuration_id = $4, workflow_id = $5, run_id = $6, current_stage = $7,
              result = $8, accuracy = $9, error = $10, simulated = $11, started_at = $12, finished_at = $13, updated_at = now()
        WHERE id = $1 AND status = 'queued'`,
      [
        itemId,
        previous.status,
        previous.model_config === null ? null : JSON.stringify(previous.model_config),
        previous.configuration_id,
        previous.workflow_id,
        previous.run_id,
        previous.current_stage,
        previous.result === null ? null : JSON.stringify(previous.result),
        previous.accuracy,
        previous.error,
        previous.simulated,
        previous.started_at,
        previous.finished_at,
      ],
    );
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new HttpError(409, 'run_active', `a run of ${workflowId} is still open`, { workflow_id: workflowId });
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
