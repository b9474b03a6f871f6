import type { ReasoningLevel } from '../contract/model-config.ts';
import type { CatalogModel } from './catalog-model.ts';

export type {
  BuiltInProvider,
  CatalogModel,
  ProviderName,
  ReasoningControl,
  RetiredModel,
  SimulatedProfile,
  StructuredOutputMode,
  Wire,
} from './catalog-model.ts';
export { BUILT_IN_PROVIDERS } from './catalog-model.ts';

/** A page image for a vision model: PNG bytes and their size in pixels. */
export interface PromptImage {
  mimeType: 'image/png';
  data: Buffer;
  width: number;
  height: number;
}

// The stage list and the reasoning levels are the contract's: configurations, the dashboard and the
// simulator name the same ones.
export { MODEL_STAGES, type ModelStage } from '../contract/stages.ts';
export { REASONING_LEVELS, type ReasoningLevel } from '../contract/model-config.ts';

/** One chat call, provider-neutral. */
export interface CompletionRequest {
  model: CatalogModel;
  /** The stage's instructions: the same for every call of the stage, so it leads the prompt cache. */
  system: string;
  /**
   * The user message. It opens with `stablePrefix` (the schema: the same for every item of a batch)
   * and goes on with what varies (the document, candidates, the round's instructions).
   */
  prompt: string;
  /** The leading part of `prompt` that repeats across calls: where a prompt-cache breakpoint pays. */
  stablePrefix?: string | undefined;
  /** Sent only to models whose API takes a temperature. */
  temperature: number;
  reasoning: ReasoningLevel;
  /** JSON Schema the response must follow; sent as structured output where the model supports it. */
  responseSchema: Record<string, unknown>;
  /** Name of the structured response (tool name for Anthropic, schema name for OpenAI). */
  responseName: string;
  /** Every output token the call may produce, reasoning included (what the providers cap). */
  maxOutputTokens: number;
  /** Below the activity's startToCloseTimeout, so a hung call fails as a timeout in time to retry. */
  timeoutMs: number;
  /**
   * Page images of the document, sent after the text of the user message in the provider's own form
   * (OpenAI `image_url` data URLs, Anthropic `image` blocks, Gemini `inlineData`). Only for models
   * whose catalog entry says `image_input`.
   */
  images?: readonly PromptImage[] | undefined;
  /** Routes requests sharing a prefix to the same provider cache (OpenAI's `prompt_cache_key`). */
  cacheKey?: string | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * A call's billed usage as the provider reported it. `inputTokens` counts every input token, cached
 * ones included (so `inputTokens - cachedInputTokens - cacheWriteTokens` were read at the full
 * price); `outputTokens` includes reasoning tokens, which are billed as output.
 */
export interface CallUsage {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

export const NO_USAGE: CallUsage = { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };

export interface CompletionResult extends CallUsage {
  /** The parsed JSON object the model answered with. */
  json: unknown;
  finishReason: string;
  latencyMs: number;
}

export type ProviderErrorKind =
  | 'rate_limited'
  | 'quota_exhausted'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'invalid_request'
  | 'model_not_found'
  | 'authentication'
  | 'refused'
  | 'truncated'
  | 'context_overflow'
  | 'malformed_output'
  | 'cancelled';

/** The rate limits a provider's 429 named: requests and tokens a minute. */
export interface ObservedLimits {
  rpm?: number | undefined;
  tpm?: number | undefined;
}

/**
 * A failed provider call, normalised across SDKs. `retryable` says whether the same model may
 * succeed on another attempt; `retryAfterMs` carries a 429's wait. Token counts are kept when the
 * provider billed them (a truncated answer still costs its tokens).
 */
export class ProviderCallError extends Error {
  override name = 'ProviderCallError';
  readonly kind: ProviderErrorKind;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /** The limits a 429 named, where the provider says them (headers, Gemini's QuotaFailure). */
  readonly limits: ObservedLimits | undefined;
  readonly usage: CallUsage;
  readonly latencyMs: number;

  constructor(
    message: string,
    details: {
      kind: ProviderErrorKind;
      retryable: boolean;
      status?: number | undefined;
      retryAfterMs?: number | undefined;
      limits?: ObservedLimits | undefined;
      usage?: CallUsage | undefined;
      latencyMs: number;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause });
    this.kind = details.kind;
    this.status = details.status;
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs;
    this.limits = details.limits;
    this.usage = details.usage ?? NO_USAGE;
    this.latencyMs = details.latencyMs;
  }

  get inputTokens(): number {
    return this.usage.inputTokens;
  }

  get outputTokens(): number {
    return this.usage.outputTokens;
  }
}

export interface ProviderClient {
  complete(request: CompletionRequest): Promise<CompletionResult>;
  /** The model ids the endpoint serves (its models list), for `quarry doctor`. */
  listModels(options: { timeoutMs: number }): Promise<string[]>;
}
