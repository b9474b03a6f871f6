import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ExtractionSchema } from '../domain/extraction-schema.ts';
import { recordUsage } from '../db/usage-ledger.ts';
import { validateStageAnswer, type StageAnswers, type StagePrompt } from '../pipeline/stage-prompts.ts';
import { ProviderCallError, type CatalogModel, type ModelStage } from '../providers/types.ts';
import { logger as log } from '../logger.ts';
import { recordProviderCall } from '../observability/metrics.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { executionOf } from './stage-outputs.ts';

export interface ModelCall<S extends ModelStage> {
  queueItemId: string;
  configurationId: string | null;
  modelId: string;
  temperature: number;
  callTimeoutMs: number;
  /** The pass of the stage (see StageCall.step). */
  step: number;
  /** The run's cost cap in USD, if any. */
  maxCostUsd?: number | undefined;
  schema: ExtractionSchema;
  prompt: StagePrompt<S>;
  /** The fields the answer must cover, when only some were asked for. */
  fields?: readonly string[] | undefined;
}

/**
 * One provider call attempt of a stage activity, and its line in the usage ledger. Whatever happens
 * (an answer, an HTTP error, a timeout, an answer that fails its schema or was cut off) the attempt
 * is recorded once, keyed by workflow run, activity, attempt and model. Failures leave as
 * `ApplicationFailure`s that tell Temporal whether to retry and when: a 429's Retry-After becomes
 * the next retry's delay, a request that can never succeed is non-retryable so the workflow moves
 * on to the next model of the chain at once.
 */
export async function callModel<S extends ModelStage>(deps: ActivityDependencies, call: ModelCall<S>): Promise<StageAnswers[S]> {
  const info = Context.current().info;
  const execution = executionOf();
  const model = deps.catalog.require(call.modelId);
  const stage = call.prompt.stage;
  const ledger = (outcome: {
    success: boolean;
    inputTokens: number;
    outputTokens: number;
    latencyMs: number;
    error: string | null;
    finishReason: string | null;
    outcome: string;
  }) => {
    const costUsd = deps.catalog.costUsd(model, outcome.inputTokens, outcome.outputTokens);
    return recordUsage(deps.pool, {
      callKey: [execution.workflowId, execution.runId, info.activityId, info.attempt, model.id].join('/'),
      queueItemId: call.queueItemId,
      configurationId: call.configurationId,
      workflowId: execution.workflowId,
      runId: execution.runId,
      stage,
      model: model.id,
      provider: model.provider,
      // What reached the provider: nothing, for a model that accepts no temperature.
      temperature: model.accepts_temperature ? call.temperature : null,
      attempt: info.attempt,
      step: call.step,
      inputTokens: outcome.inputTokens,
      outputTokens: outcome.outputTokens,
      responseTimeMs: outcome.latencyMs,
      costUsd,
      success: outcome.success,
      error: outcome.error,
      finishReason: outcome.finishReason,
      simulated: deps.simulated,
    }).then((added) => {
      log.info(
        {
          queueItemId: call.queueItemId,
          workflowId: execution.workflowId,
          runId: execution.runId,
          stage,
          model: model.id,
          attempt: info.attempt,
          outcome: outcome.outcome,
          ms: Math.round(outcome.latencyMs),
          costUsd,
        },
        'provider call',
      );
      // Counted with the ledger row, so a logging step that runs twice counts once here too.
      if (added) {
        recordProviderCall({
          model: model.id,
          provider: model.provider,
          stage,
          outcome: outcome.outcome,
          inputTokens: outcome.inputTokens,
          outputTokens: outcome.outputTokens,
          latencyMs: outcome.latencyMs,
          costUsd,
        });
      }
    });
  };

  const maxOutputTokens = Math.min(model.max_output_tokens, 8192);
  if (call.maxCostUsd !== undefined) await checkBudget(deps, call, model, maxOutputTokens, execution.runId);

  const started = performance.now();
  try {
    const result = await deps.providers[model.provider].complete({
      model,
      system: call.prompt.system,
      prompt: call.prompt.prompt,
      temperature: call.temperature,
      responseSchema: call.prompt.responseSchema,
      responseName: call.prompt.responseName,
      maxOutputTokens,
      timeoutMs: call.callTimeoutMs,
      signal: Context.current().cancellationSignal,
    });
    const answer = validateStageAnswer(stage, result.json, call.schema, { fields: call.fields, usage: result });
    await ledger({ success: true, ...result, error: null, finishReason: result.finishReason, outcome: 'success' });
    return answer;
  } catch (error) {
    if (!(error instanceof ProviderCallError)) throw error;
    await ledger({
      success: false,
      inputTokens: error.inputTokens,
      outputTokens: error.outputTokens,
      latencyMs: error.latencyMs || performance.now() - started,
      error: `${error.kind}: ${error.message}`,
      finishReason: error.kind === 'truncated' ? 'length' : null,
      outcome: error.kind,
    });
    throw ApplicationFailure.create({
      type: `Provider.${error.kind}`,
      message: `${model.id}: ${error.message}`,
      nonRetryable: !error.retryable,
      nextRetryDelay: error.retryAfterMs,
      details: [{ attempt: info.attempt, kind: error.kind, status: error.status ?? null }],
    });
  }
}

/** Characters per token for estimates before a call; the provider counts exactly afterwards. */
const CHARS_PER_TOKEN = 4;

/**
 * Refuses a call whose expected cost would take the run over its cap. The estimate is the prompt's
 * tokens at the input price plus a typical answer for the fields asked (never more than the output
 * limit) at the output price. The refusal is non-retryable and no provider is called, so the
 * workflow moves on to the next model of the chain, which may be cheaper.
 */
async function checkBudget(
  deps: ActivityDependencies,
  call: ModelCall<ModelStage>,
  model: CatalogModel,
  maxOutputTokens: number,
  runId: string,
): Promise<void> {
  const spentResult = await deps.pool.query<{ spent: string | null }>(
    'SELECT sum(cost_usd) AS spent FROM model_usage WHERE queue_item_id = $1 AND run_id = $2',
    [call.queueItemId, runId],
  );
  const spent = Number(spentResult.rows[0]?.spent ?? 0);
  const inputTokens = Math.ceil((call.prompt.system.length + call.prompt.prompt.length) / CHARS_PER_TOKEN);
  const fields = call.fields?.length ?? call.schema.fields.length;
  const outputTokens = Math.min(maxOutputTokens, 64 + model.simulated_profile.output_tokens_per_field * fields);
  const expected = deps.catalog.costUsd(model, inputTokens, outputTokens);
  if (spent + expected > call.maxCostUsd!) {
    throw ApplicationFailure.create({
      type: 'BudgetExceeded',
      nonRetryable: true,
      message: `budget: ${model.id} would cost about $${expected.toFixed(6)} with $${spent.toFixed(6)} of the $${call.maxCostUsd} cap spent`,
      details: [{ attempt: 1, kind: 'budget', expected_usd: expected, spent_usd: spent }],
    });
  }
}
