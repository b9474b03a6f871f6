import type { Settings } from '../config/environment.ts';
import type { ModelConfig } from '../contract/model-config.ts';
import type { ExtractionInput, ResumableStage, RunPolicy } from '../workflows/extraction-types.ts';

export function runPolicyFrom(settings: Settings): RunPolicy {
  return {
    maxAttemptsPerModel: settings.QUARRY_ATTEMPTS_PER_MODEL,
    initialRetryIntervalMs: settings.QUARRY_RETRY_INITIAL_MS,
    callTimeoutMs: settings.QUARRY_CALL_TIMEOUT_MS,
    maxReextractionRounds: 1,
  };
}

/**
 * The workflow input for one item under a configuration: model ids, the temperature, the policy and
 * the optional budget, review and resume settings. Nothing of the document crosses into Temporal.
 */
export function extractionInputFor(
  queueItemId: string,
  configurationId: string,
  config: ModelConfig,
  settings: Settings,
  resume?: { fromRunId: string; fromStage: ResumableStage },
): ExtractionInput {
  return {
    queueItemId,
    configurationId,
    temperature: config.temperature,
    chains: config.stage_models,
    orchestratorModel: config.orchestrator_model,
    policy: runPolicyFrom(settings),
    ...(config.max_cost_usd === undefined ? {} : { maxCostUsd: config.max_cost_usd }),
    ...(config.review
      ? {
          review: {
            confidenceThreshold: config.review.confidence_threshold,
            deadlineMs: Math.round(config.review.deadline_hours * 3_600_000),
            onDeadline: config.review.on_deadline,
          },
        }
      : {}),
    ...(resume ? { resume } : {}),
  };
}
