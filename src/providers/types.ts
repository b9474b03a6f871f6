import { z } from 'zod';

export const PROVIDERS = ['openai', 'anthropic', 'google'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** The stages that call a model. `parse` and `finalise` run without one. */
export const MODEL_STAGES = ['classify', 'extract', 'validate', 'review'] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

/** How the provider simulator behaves when it stands in for a catalog model. */
export const SimulatedProfileSchema = z.object({
  /** Probability that one field is extracted exactly right, before the temperature's effect. */
  accuracy: z.number().min(0).max(1),
  /** Latency of a call as a multiple of QUARRY_SIM_LATENCY_MS. */
  latency_factor: z.number().positive(),
  /** Output tokens per field the model emits (verbosity). */
  output_tokens_per_field: z.number().int().positive(),
});
export type SimulatedProfile = z.infer<typeof SimulatedProfileSchema>;

export const CatalogModelSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._:-]*$/),
  provider: z.enum(PROVIDERS),
  provider_model: z.string().min(1),
  display_name: z.string().min(1),
  input_usd_per_mtok: z.number().nonnegative(),
  output_usd_per_mtok: z.number().nonnegative(),
  context_window: z.number().int().positive(),
  max_output_tokens: z.number().int().positive(),
  structured_output: z.boolean(),
  /**
   * False for reasoning models (o-series, gpt-5) whose API rejects any temperature but the default:
   * the call leaves it out, and the ledger records no temperature for it rather than a false one.
   */
  accepts_temperature: z.boolean().default(true),
  simulated_profile: SimulatedProfileSchema,
});
export type CatalogModel = z.infer<typeof CatalogModelSchema>;

/** One chat call, provider-neutral. */
export interface CompletionRequest {
  model: CatalogModel;
  system: string;
  prompt: string;
  temperature: number;
  /** JSON Schema the response must follow; sent as structured output where the model supports it. */
  responseSchema: Record<string, unknown>;
  /** Name of the structured response (tool name for Anthropic, schema name for OpenAI). */
  responseName: string;
  maxOutputTokens: number;
  /** Below the activity's startToCloseTimeout, so a hung call fails as a timeout in time to retry. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface CompletionResult {
  /** The parsed JSON object the model answered with. */
  json: unknown;
  inputTokens: number;
  outputTokens: number;
  finishReason: string;
  latencyMs: number;
}

export type ProviderErrorKind =
  | 'rate_limited'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'invalid_request'
  | 'authentication'
  | 'truncated'
  | 'malformed_output';

/**
 * A failed provider call, normalised across SDKs. `retryable` says whether the same model may
 * succeed on another attempt; `retryAfterMs` carries a 429's Retry-After. Token counts are kept
 * when the provider billed them (a truncated answer still costs its tokens).
 */
export class ProviderCallError extends Error {
  override name = 'ProviderCallError';
  readonly kind: ProviderErrorKind;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly latencyMs: number;

  constructor(
    message: string,
    details: {
      kind: ProviderErrorKind;
      retryable: boolean;
      status?: number;
      retryAfterMs?: number;
      inputTokens?: number;
      outputTokens?: number;
      latencyMs: number;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause });
    this.kind = details.kind;
    this.status = details.status;
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs;
    this.inputTokens = details.inputTokens ?? 0;
    this.outputTokens = details.outputTokens ?? 0;
    this.latencyMs = details.latencyMs;
  }
}

export interface ProviderClient {
  complete(request: CompletionRequest): Promise<CompletionResult>;
}
