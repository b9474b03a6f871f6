import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Settings } from '../config/environment.ts';
import type { ExperimentRequest } from '../contract/experiments.ts';
import { getConfiguration } from '../db/configurations.ts';
import { experimentWorkflowIdFor, finishExperiment, insertExperiment, type ExperimentArm } from '../db/experiments.ts';
import { inTransaction, type Pool } from '../db/pool.ts';
import { existingItemIds } from '../db/queue-items.ts';
import type { Catalog } from '../providers/catalog.ts';
import { runExperiment } from '../workflows/run-experiment.ts';
import { InvalidRequestError, NotFoundError } from './errors.ts';
import { extractionInputFor } from './extraction-input.ts';
import { resolveConfiguration } from './resolve-configuration.ts';


/**
 * Creates an experiment and starts its parent workflow `experiment-<id>`. Every source item must
 * exist; each is copied once per configuration (see insertExperiment). Arms keep the request's order:
 * the first is the control every other arm is compared with.
 */
export async function startExperiment(
  deps: { pool: Pool; temporal: Client; catalog: Catalog; settings: Settings },
  request: ExperimentRequest,
): Promise<{ id: string; workflow_id: string; status: 'running'; runs: number }> {
  const itemIds = [...new Set(request.item_ids)];
  if (itemIds.length !== request.item_ids.length) throw new InvalidRequestError('duplicate_items', 'item_ids lists an item more than once');
  const found = await existingItemIds(deps.pool, itemIds);
  const missing = itemIds.filter((id) => !found.has(id));
  if (missing.length > 0) throw new NotFoundError(`queue items ${missing.join(', ')}`, { missing });

  const arms: ExperimentArm[] = [];
  for (const [index, requested] of request.configurations.entries()) {
    const { name, ...configuration } = requested;
    const resolved = await resolveConfiguration(deps, configuration);
    const saved = await getConfiguration(deps.pool, resolved.configurationId);
    // An experiment measures the models: a run waiting for a person would stall it and a reviewer's
    // corrections would replace what is being measured, so arms run without human review.
    const { review: _review, ...config } = resolved.config;
    arms.push({
      arm: index,
      name: name ?? saved?.name ?? `configuration ${String.fromCharCode(65 + index)}`,
      configuration_id: resolved.configurationId,
      config,
    });
  }

  const id = randomUUID();
  const workflowId = experimentWorkflowIdFor(id);
  const runs = await inTransaction(deps.pool, (client) =>
    insertExperiment(client, {
      id,
      name: request.name,
      arms,
      sourceItemIds: itemIds,
      concurrency: request.concurrency,
      maxCostUsd: request.max_cost_usd ?? null,
    }),
  );
  try {
    await deps.temporal.workflow.start(runExperiment, {
      workflowId,
      taskQueue: deps.settings.QUARRY_TASK_QUEUE,
      args: [
        {
          experimentId: id,
          arms: arms.map((arm) => {
            const { queueItemId: _none, ...input } = extractionInputFor('', arm.configuration_id, arm.config, deps.settings);
            return input;
          }),
          totalRuns: runs,
          concurrency: request.concurrency,
          ...(request.max_cost_usd === undefined ? {} : { maxCostUsd: request.max_cost_usd }),
          ...(deps.settings.QUARRY_EXPERIMENT_HISTORY_EVENTS === undefined ? {} : { continueAsNewAfterEvents: deps.settings.QUARRY_EXPERIMENT_HISTORY_EVENTS }),
        },
      ],
      workflowIdConflictPolicy: 'FAIL',
      staticSummary: `Experiment ${request.name}: ${arms.length} configurations × ${itemIds.length} items`,
      staticDetails: arms.map((arm) => `- arm ${arm.arm}: **${arm.name}** (${arm.configuration_id})`).join('\n'),
    });
  } catch (error) {
    await finishExperiment(deps.pool, id, 'failed', `the workflow could not be started: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
  return { id, workflow_id: workflowId, status: 'running', runs };
}
