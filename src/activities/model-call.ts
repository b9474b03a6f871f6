import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { runSpendUsd } from '../db/run-spend.ts';
import { recordUsage } from '../db/usage-ledger.ts';
import { logger as log } from '../logger.ts';
import { recordProviderCall } from '../observability/metrics.ts';
import { readStageAnswer, type StageAnswers, type StagePrompt } from '../pipeline/stage-prompts.ts';
import { RetiredModelError } from '../providers/catalog.ts';
import { imageTokens } from '../providers/image-tokens.ts';
import { answerRoom, outputBudget } from '../providers/reasoning.ts';
import {
  BUILT_IN_PROVIDERS,
  NO_USAGE,
  ProviderCallError,
  type CallUsage,
  type CatalogModel,
  type ModelStage,
  type PromptImage,
  type ReasoningLevel,
} from '../providers/types.ts';
import { FailureType, providerFailureType } from '../workflows/failure-types.ts';
import { learnRateLimit, settleCapacity, waitForCapacity } from './call-capacity.ts';
import type { ActivityDependencies } from './dependencies.ts';
import type { Reservation } from './rate-limiter.ts';
import { executionOf } from './workflow-execution.ts';

export interface ModelCall<S extends ModelStage> {
  queueItemId: string;
  configurationId: string | null;
  modelId: string;
  temperature: number;
  /** How hard the model may think at this stage. */
  reasoning: ReasoningLevel;
  /** The longest any call may take (QUARRY_CALL_TIMEOUT_MS); each model's own timeout applies within it. */
  callTimeoutMs: number;
  /** The pass of the stage (see StageCall.step). */
  step: number;
  /** The run's cost cap in USD, if any. */
  maxCostUsd?: number | undefined;
  /** What to ask, how to read the answer, and about how many values it holds. */
  prompt: StagePrompt<S>;
  /** Page images of the document, for a model that takes them (see document-input.ts). */
  images?: readonly PromptImage[] | undefined;
  /**
   * The stage's output to keep from a valid answer (by item, run, stage and step): stored in the
   * same statement as the call's ledger row, so that the answer costs one round trip after the call.
   */
  output?: ((answer: StageAnswers[S]) => unknown) | undefined;
}

/** Characters per token for estimates before a call; the provider counts exactly afterwards. */
const CHARS_PER_TOKEN = 4;

/**
 * How often an in-flight call heartbeats. The workflow gives model activities a heartbeat timeout,
 * and a cancellation reaches an activity only with a heartbeat's answer: beating this often (the
 * worker throttles to at most once a second) lets Cancel abort the HTTP request at once.
 */
const HEARTBEAT_EVERY_MS = 1000;

interface Outcome {
  success: boolean;
  usage: CallUsage;
  latencyMs: number;
  error: string | null;
  finishReason: string | null;
  outcome: string;
}

/**
 * One provider call attempt of a stage activity, and its line in the usage ledger. Whatever happens
 * (an answer, an HTTP error, a timeout, a cancellation, an answer that fails its schema or was cut
 * off) the attempt is recorded once, keyed by workflow run, activity, attempt and model, with its
 * tokens priced as billed. Failures leave as `ApplicationFailure`s that tell Temporal whether to
 * retry and when: a 429's wait becomes the next retry's delay, a request that can never succeed is
 * non-retryable so the workflow moves on to the next model of the chain at once, and a truncated
 * answer is retried only while a larger output budget is left.
 */
export async function callModel<S extends ModelStage>(deps: ActivityDependencies, call: ModelCall<S>): Promise<StageAnswers[S]> {
  const enteredAt = performance.now();
  const context = Context.current();
  const info = context.info;
  const execution = executionOf();
  const model = requireModel(deps, call.modelId, info.attempt);
  const stage = call.prompt.stage;
  const values = call.prompt.values;

  const ledger = async (outcome: Outcome, output?: { value: unknown }) => {
    const costUsd = deps.catalog.costUsd(model, outcome.usage);
    const kept = output && { key: { queueItemId: call.queueItemId, runId: execution.runId, stage, step: call.step }, model: call.modelId, value: output.value };
    const added = await recordUsage(deps.pool, {
      callKey: [execution.workflowId, execution.runId, info.activityId, info.attempt, model.id].join('/'),
      queueItemId: call.queueItemId,
      configurationId: call.configurationId,
      workflowId: execution.workflowId,
      runId: execution.runId,
      stage,
      model: model.id,
      provider: model.provider,
      // What reached the provider: nothing, for a model whose API takes no temperature.
      temperature: model.temperature ? call.temperature : null,
      attempt: info.attempt,
      step: call.step,
      ...outcome.usage,
      responseTimeMs: outcome.latencyMs,
      costUsd,
      success: outcome.success,
      error: outcome.error,
      finishReason: outcome.finishReason,
      // A declared endpoint is always called for real, even beside simulated built-in providers.
      simulated: deps.simulated && (BUILT_IN_PROVIDERS as readonly string[]).includes(model.provider),
    }, kept);
    const ms = Math.round(outcome.latencyMs);
    log.info({ queueItemId: call.queueItemId, workflowId: execution.workflowId, runId: execution.runId, stage, model: model.id, attempt: info.attempt, outcome: outcome.outcome, ms, costUsd }, 'provider call');
    // Counted with the ledger row, so a logging step that runs twice counts once here too.
    if (added) {
      recordProviderCall({ model: model.id, provider: model.provider, stage, outcome: outcome.outcome, inputTokens: outcome.usage.inputTokens, outputTokens: outcome.usage.outputTokens, latencyMs: outcome.latencyMs, costUsd });
    }
  };

  const imageInputTokens = (call.images ?? []).reduce((sum, image) => sum + imageTokens(model, image), 0);
  const inputTokens = Math.ceil((call.prompt.system.length + call.prompt.prompt.length) / CHARS_PER_TOKEN) + imageInputTokens;
  const budget = outputBudget(model, call.reasoning, values, info.attempt);
  const maxOutputTokens = fitOutput(model, inputTokens, budget.maxOutputTokens, values, info.attempt);
  if (call.maxCostUsd !== undefined) await checkBudget(deps, call, model, inputTokens, maxOutputTokens, execution.runId);

  const client = deps.providers[model.provider];
  if (!client) {
    throw ApplicationFailure.create({
      type: providerFailureType('unavailable'),
      nonRetryable: true,
      message: `${model.id}: no client for provider ${model.provider} on this worker (is the endpoint declared in its environment?)`,
      details: [{ attempt: info.attempt, kind: 'unavailable', status: null }],
    });
  }

  const timeoutMs = Math.min(model.call_timeout_s * 1000, call.callTimeoutMs);
  const heartbeat = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  let reservation: Reservation | undefined;
  let started = performance.now();
  try {
    // The provider's admission counts the prompt and the whole output cap; the settlement corrects it.
    reservation = await waitForCapacity(deps, model, inputTokens + maxOutputTokens, { enteredAt, callTimeoutMs: timeoutMs });
    started = performance.now();
    const result = await client.complete({
      model,
      system: call.prompt.system,
      prompt: call.prompt.prompt,
      stablePrefix: call.prompt.stablePrefix,
      temperature: call.temperature,
      reasoning: call.reasoning,
      responseSchema: call.prompt.responseSchema,
      responseName: call.prompt.responseName,
      images: call.images,
      maxOutputTokens,
      timeoutMs,
      cacheKey: cacheKeyOf(stage, call.prompt),
      signal: context.cancellationSignal,
    });
    const usage: CallUsage = {
      inputTokens: result.inputTokens,
      cachedInputTokens: result.cachedInputTokens,
      cacheWriteTokens: result.cacheWriteTokens,
      outputTokens: result.outputTokens,
      reasoningTokens: result.reasoningTokens,
    };
    const answer = readStageAnswer(stage, call.prompt.format, result.json, { usage, latencyMs: result.latencyMs });
    await settleCapacity(deps, reservation, usage.inputTokens + usage.outputTokens);
    // The call is logged even if making its output fails (a bug): the row must not be lost with it.
    let output: { value: unknown } | undefined;
    let outputFailure: unknown;
    try {
      output = call.output && { value: call.output(answer) };
    } catch (failure) {
      outputFailure = failure;
    }
    await ledger({ success: true, usage, latencyMs: result.latencyMs, error: null, finishReason: result.finishReason, outcome: 'success' }, output);
    if (outputFailure !== undefined) throw outputFailure;
    return answer;
  } catch (error) {
    if (!(error instanceof ProviderCallError)) throw error;
    await settleCapacity(deps, reservation, error.usage.inputTokens + error.usage.outputTokens);
    await learnRateLimit(deps, reservation, error);
    await ledger({
      success: false,
      usage: error.usage,
      latencyMs: error.latencyMs || performance.now() - started,
      error: `${error.kind}: ${error.message}`,
      finishReason: error.kind === 'truncated' ? 'length' : null,
      outcome: error.kind,
    });
    // The run was cancelled: the request is aborted and logged; the activity ends as cancelled.
    if (error.kind === 'cancelled') throw context.cancellationSignal.reason instanceof Error ? context.cancellationSignal.reason : error;
    // A cut-off answer is retried only if the next attempt gets more room; at the model's limit it never will.
    const retryable = error.kind === 'truncated' ? budget.canGrow : error.retryable;
    throw ApplicationFailure.create({
      type: providerFailureType(error.kind),
      message: `${model.id}: ${error.message}${error.kind === 'truncated' && !retryable ? ' (already at the model\'s output limit)' : ''}`,
      nonRetryable: !retryable,
      nextRetryDelay: error.retryAfterMs,
      details: [{ attempt: info.attempt, kind: error.kind, status: error.status ?? null }],
    });
  } finally {
    clearInterval(heartbeat);
  }
}

function requireModel(deps: ActivityDependencies, modelId: string, attempt: number): CatalogModel {
  try {
    return deps.catalog.require(modelId);
  } catch (error) {
    // A run that began before its model's retirement day: the chain moves on to the next model.
    if (error instanceof RetiredModelError) {
      throw ApplicationFailure.create({ type: FailureType.ModelRetired, nonRetryable: true, message: error.message, details: [{ attempt, kind: 'retired', status: null }] });
    }
    throw error;
  }
}

/**
 * The output cap, fitted to the window: input and output share the model's context window, and
 * the input may not exceed the model's input limit. A document that leaves no room for an answer
 * fails at once, without a request, so the chain moves on to a model with a larger window.
 */
function fitOutput(model: CatalogModel, inputTokens: number, maxOutputTokens: number, values: number, attempt: number): number {
  const room = model.context_window - inputTokens;
  const needed = Math.min(answerRoom(model, values), model.max_output_tokens);
  if (inputTokens > model.input_limit || room < needed) {
    throw ApplicationFailure.create({
      type: providerFailureType('context_overflow'),
      nonRetryable: true,
      message: `${model.id}: the prompt (about ${inputTokens} tokens) leaves no room for the answer (input limit ${model.input_limit}, window ${model.context_window})`,
      details: [{ attempt, kind: 'context_overflow', status: null }],
    });
  }
  return Math.min(maxOutputTokens, room);
}

/** Same stage, same instructions and schema, same key: OpenAI routes such requests to the same prompt cache. */
function cacheKeyOf(stage: ModelStage, prompt: StagePrompt<ModelStage>): string {
  return `quarry-${stage}-${createHash('sha256').update(prompt.system).update(prompt.stablePrefix).digest('hex').slice(0, 24)}`;
}

/**
 * Refuses a call whose expected cost would take the run over its cap. The estimate is the prompt's
 * tokens at the input price plus a typical answer for the values asked (the catalog's typical output
 * per field, never more than the call's output cap) at the output price. The refusal is
 * non-retryable and no provider is called, so the workflow moves on to the next model of the chain,
 * which may be cheaper.
 */
async function checkBudget<S extends ModelStage>(
  deps: ActivityDependencies,
  call: ModelCall<S>,
  model: CatalogModel,
  inputTokens: number,
  maxOutputTokens: number,
  runId: string,
): Promise<void> {
  const spent = await runSpendUsd(deps.pool, call.queueItemId, runId);
  const outputTokens = Math.min(maxOutputTokens, 64 + model.typical_output_tokens_per_field * call.prompt.values);
  const expected = deps.catalog.costUsd(model, { ...NO_USAGE, inputTokens, outputTokens });
  if (spent + expected > call.maxCostUsd!) {
    throw ApplicationFailure.create({
      type: FailureType.BudgetExceeded,
      nonRetryable: true,
      message: `budget: ${model.id} would cost about $${expected.toFixed(6)} with $${spent.toFixed(6)} of the $${call.maxCostUsd} cap spent`,
      details: [{ attempt: 1, kind: 'budget', expected_usd: expected, spent_usd: spent }],
    });
  }
}
