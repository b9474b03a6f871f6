import type { Client } from '@temporalio/client';
import type { Settings } from '../config/environment.ts';
import type { ModelConfig } from '../contract/model-config.ts';
import { isAtOrBefore, type ResumableStage } from '../contract/stages.ts';
import type { Pool } from '../db/pool.ts';
import { getQueueItem } from '../db/queue-items.ts';
import type { Catalog } from '../providers/catalog.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import { requireKnownModels, resolveConfiguration } from './resolve-configuration.ts';
import { resumePointOf } from './resume-point.ts';
import { startExtraction, type StartedRun } from './start-extraction.ts';

export interface RetryRequest {
  fromStage?: ResumableStage | undefined;
  /** A new configuration for the stages that run again. */
  configuration?: ModelConfig | undefined;
  configurationId?: string | undefined;
}

/**
 * Runs a failed or cancelled item again. The stages its last run finished are reused (their stored
 * outputs are copied into the new run, and no model is called for them); by default the run resumes
 * from the first stage that did not finish, with the same configuration.
 */
export async function retryItem(
  deps: { pool: Pool; temporal: Client; settings: Settings; catalog: Catalog },
  id: string,
  request: RetryRequest,
): Promise<StartedRun & { from_stage: ResumableStage }> {
  const item = await getQueueItem(deps.pool, id);
  if (!item) throw new NotFoundError(`queue item ${id}`);
  if (item.status !== 'failed' && item.status !== 'cancelled') {
    throw new ConflictError('not_retryable', `queue item ${id} is ${item.status}; only failed or cancelled items are retried`);
  }
  if (!item.model_config || !item.configuration_id || !item.run_id) {
    throw new ConflictError('never_processed', `queue item ${id} has never been processed; use POST /queue/process/${id}`);
  }
  const resumable = await resumePointOf(deps.pool, id, item.run_id);
  const fromStage = request.fromStage ?? resumable;
  if (!isAtOrBefore(fromStage, resumable)) {
    throw new ConflictError('nothing_to_reuse', `the last run finished only the stages before ${resumable}; resume from ${resumable} or earlier`, {
      resumable_from: resumable,
    });
  }

  let resolved: { config: ModelConfig; configurationId: string };
  if (request.configuration) {
    resolved = await resolveConfiguration(deps, { ...request.configuration, configuration_id: request.configurationId });
  } else if (request.configurationId) {
    resolved = await resolveConfiguration(deps, { configuration_id: request.configurationId });
  } else {
    const { configuration_id: _previous, ...previous } = item.model_config;
    resolved = { config: previous, configurationId: item.configuration_id };
    requireKnownModels(deps.catalog, resolved.config);
  }
  const resume = fromStage === 'classify' ? undefined : { fromRunId: item.run_id, fromStage };
  const started = await startExtraction(deps, id, resolved.config, resolved.configurationId, resume);
  return { ...started, from_stage: fromStage };
}
