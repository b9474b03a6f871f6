import { z } from 'zod';

/**
 * One entry of Quarry's own model file: only what the price library (`@pydantic/genai-prices`) does
 * not know — which models Quarry offers, how each is called (temperature, reasoning control,
 * structured-output mode), its input and output limits, a typical answer size for budget estimates,
 * its call timeout and, once announced, its retirement date and successor. Prices come from the
 * library (see `model-prices.ts`); only models it does not price (an operator's own, an
 * OpenAI-compatible endpoint's) carry `prices` here.
 */

/** The three official providers. Declared OpenAI-compatible endpoints add providers of their own name. */
export const BUILT_IN_PROVIDERS = ['openai', 'anthropic', 'google'] as const;
export type BuiltInProvider = (typeof BUILT_IN_PROVIDERS)[number];

/** A provider's name: a built-in one, or a declared endpoint's (`local-llama`, `vllm`, ...). */
export type ProviderName = string;

/** The HTTP API a provider speaks; every OpenAI-compatible endpoint speaks `openai`. */
export type Wire = 'openai' | 'anthropic' | 'gemini';

export const WIRE_OF_BUILT_IN: Record<BuiltInProvider, Wire> = { openai: 'openai', anthropic: 'anthropic', google: 'gemini' };

export const ProviderNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,39}$/, 'a provider name is 2-40 lower-case letters, digits and dashes, starting with a letter');

/** How the simulator behaves when it stands in for a catalog model. Production code never reads it. */
export const SimulatedProfileSchema = z.strictObject({
  /** Probability that one field is extracted exactly right, before the temperature's effect. */
  accuracy: z.number().min(0).max(1),
  /** Latency of a call as a multiple of QUARRY_SIM_LATENCY_MS. */
  latency_factor: z.number().positive(),
  /** Output tokens per field the simulated model emits (verbosity). */
  output_tokens_per_field: z.number().int().positive(),
});
export type SimulatedProfile = z.infer<typeof SimulatedProfileSchema>;

/** A default profile for models declared without one (an endpoint's), so the simulator can stand in. */
export const DEFAULT_SIMULATED_PROFILE: SimulatedProfile = { accuracy: 0.85, latency_factor: 1, output_tokens_per_field: 14 };

/**
 * How a model's reasoning is controlled, from each provider's published rules:
 * - `openai_effort`: `reasoning_effort`; `off` names the lowest value the model accepts
 *   (`none` from gpt-5.1 on, `minimal` before).
 * - `anthropic_adaptive`: `thinking: {type: "adaptive"}` with `output_config.effort`, or thinking
 *   disabled (Opus 4.7 rejects budgeted thinking).
 * - `anthropic_budget`: `thinking: {type: "enabled", budget_tokens}` (≥ 1024, below max_tokens).
 * - `gemini_level`: `thinkingConfig.thinkingLevel`; `off` is the lowest level the model takes
 *   (Gemini 3 Pro cannot stop thinking, so its lowest is `low`).
 * - `none`: the model does not reason; nothing is sent.
 */
export const ReasoningControlSchema = z.discriminatedUnion('control', [
  z.strictObject({ control: z.literal('none') }),
  z.strictObject({ control: z.literal('openai_effort'), off: z.enum(['none', 'minimal', 'low']) }),
  z.strictObject({ control: z.literal('anthropic_adaptive') }),
  z.strictObject({ control: z.literal('anthropic_budget') }),
  z.strictObject({ control: z.literal('gemini_level'), off: z.enum(['minimal', 'low']) }),
]);
export type ReasoningControl = z.infer<typeof ReasoningControlSchema>;

/**
 * How the answer's JSON Schema reaches the model:
 * - `json_schema`: OpenAI `response_format` of type `json_schema` with `strict: true`.
 * - `json_object`: OpenAI JSON mode; the schema travels in the prompt.
 * - `strict_tool`: Anthropic — a forced tool with `strict: true`, or `output_config.format` while
 *   thinking (forced tool use and thinking exclude each other).
 * - `response_schema`: Gemini `responseMimeType: application/json` with `responseJsonSchema`.
 * - `prompt`: no structured output; the schema travels in the prompt and the JSON is read leniently.
 */
export const STRUCTURED_OUTPUT_MODES = ['json_schema', 'json_object', 'strict_tool', 'response_schema', 'prompt'] as const;
export type StructuredOutputMode = (typeof STRUCTURED_OUTPUT_MODES)[number];

/** Which modes each wire can carry. */
export const MODES_OF_WIRE: Record<Wire, readonly StructuredOutputMode[]> = {
  openai: ['json_schema', 'json_object', 'prompt'],
  anthropic: ['strict_tool', 'prompt'],
  gemini: ['response_schema', 'prompt'],
};

/** Prices for a model the price library does not know, in USD per million tokens. */
export const OwnPricesSchema = z.strictObject({
  input_usd_per_mtok: z.number().nonnegative().default(0),
  output_usd_per_mtok: z.number().nonnegative().default(0),
  cached_input_usd_per_mtok: z.number().nonnegative().optional(),
});
export type OwnPrices = z.infer<typeof OwnPricesSchema>;

const IsoDate = z.iso.date();

export const CatalogEntrySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._:-]*$/),
  provider: ProviderNameSchema,
  provider_model: z.string().min(1),
  display_name: z.string().min(1),
  /** The model's whole window (input and output together); from the price library when omitted. */
  context_window: z.number().int().positive().optional(),
  /** The most input the API takes, when below the window (gpt-5: 272k of a 400k window). */
  max_input_tokens: z.number().int().positive().optional(),
  max_output_tokens: z.number().int().positive(),
  /** False where the API refuses a sampling temperature (Anthropic since 2026-10-21, OpenAI reasoning models). */
  temperature: z.boolean(),
  reasoning: ReasoningControlSchema,
  structured_output: z.enum(STRUCTURED_OUTPUT_MODES),
  /**
   * The model takes images in its input (vision): a configuration's `document_input` of `image` or
   * `both` sends it the document's page images. From the provider's model page.
   */
  image_input: z.boolean().default(false),
  /** Output tokens one extracted field typically costs (answer and low-effort reasoning): for budget estimates. */
  typical_output_tokens_per_field: z.number().int().positive(),
  /** One call's timeout; reasoning models take longer. Capped by QUARRY_CALL_TIMEOUT_MS. */
  call_timeout_s: z.number().int().positive().max(3600),
  /** The model id the price library knows it by, when it differs from `provider_model`. */
  price_model: z.string().min(1).optional(),
  prices: OwnPricesSchema.optional(),
  /** The provider's announced shutdown: from that day on the model is retired and not offered. */
  retires_on: IsoDate.optional(),
  successor: z.string().min(1).optional(),
  simulated_profile: SimulatedProfileSchema.optional(),
});
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

/**
 * A model that is gone: kept only to name its successor to whoever still asks for it. The date is
 * left out where the source that says it is gone (the SDK's list, a deprecation note) gives none.
 */
export const RetiredEntrySchema = z.strictObject({
  id: z.string().min(1),
  provider: ProviderNameSchema,
  provider_model: z.string().min(1),
  display_name: z.string().min(1),
  retires_on: IsoDate.optional(),
  successor: z.string().min(1),
});
export type RetiredEntry = z.infer<typeof RetiredEntrySchema>;

/** An offered model as the rest of Quarry sees it: the entry with its prices and window resolved. */
export interface CatalogModel extends Omit<CatalogEntry, 'context_window' | 'simulated_profile'> {
  /** The wire its provider speaks. */
  wire: Wire;
  context_window: number;
  /** Input tokens the API takes (`max_input_tokens`, else the window); the output asked for must fit beside them in the window. */
  input_limit: number;
  /** List prices (base tier) in USD per million tokens, for display and estimates. */
  input_usd_per_mtok: number;
  output_usd_per_mtok: number;
  cached_input_usd_per_mtok: number | null;
  cache_write_usd_per_mtok: number | null;
  /** Where the prices come from: the price library, or the catalog entry itself. */
  price_source: 'genai-prices' | 'catalog';
  simulated_profile: SimulatedProfile;
}

export interface RetiredModel extends RetiredEntry {
  wire: Wire;
}
