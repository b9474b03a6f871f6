import { z } from 'zod';
import { CHAIN_STAGES, MODEL_STAGES, type ChainStage, type ModelStage } from './stages.ts';

export { CHAIN_STAGES, type ChainStage };

const ModelIdSchema = z.string().min(1).max(100);
const ChainSchema = z.array(ModelIdSchema).min(1, 'a chain names at least one model').max(8);

/**
 * Human review: an item goes to `needs_review` when the validator rejected one of its final fields or
 * a field's confidence is below the threshold. Its workflow then waits for a reviewer up to the
 * deadline, after which `on_deadline` applies: `accept` the model's values, or `fail` the item.
 */
export const ReviewPolicySchema = z.strictObject({
  confidence_threshold: z.number().min(0).max(1).default(0.5),
  deadline_hours: z.number().positive().max(24 * 90).default(24),
  on_deadline: z.enum(['accept', 'fail']).default('accept'),
});
export type ReviewPolicy = z.infer<typeof ReviewPolicySchema>;

/** How hard a model may think, provider-neutral; each model maps it to its own control (providers/reasoning.ts). */
export const REASONING_LEVELS = ['off', 'low', 'medium', 'high'] as const;
export const ReasoningLevelSchema = z.enum(REASONING_LEVELS);
export type ReasoningLevel = z.infer<typeof ReasoningLevelSchema>;
/** The level a stage reasons at when its configuration says nothing: enough to check itself, cheap. */
export const DEFAULT_REASONING: ReasoningLevel = 'low';

/**
 * How the document reaches the models: `text` — the text read from it (text layers, and OCR for
 * scans and images); `image` — to a model that takes images, the page images instead of the text;
 * `both` — the images beside the text. A model that takes no images, a document without drawn pages
 * (text, HTML, DOCX) or one of more than `MAX_IMAGE_PAGES` pages always goes as text.
 */
export const DOCUMENT_INPUTS = ['text', 'image', 'both'] as const;
export const DocumentInputSchema = z.enum(DOCUMENT_INPUTS);
export type DocumentInput = z.infer<typeof DocumentInputSchema>;
/**
 * Text by default: every model reads it, it costs a fraction of the images' tokens, and its words
 * have boxes on the page, which is where each value's source is found.
 */
export const DEFAULT_DOCUMENT_INPUT: DocumentInput = 'text';
/** Pages sent as images at most; a longer document goes as text (twenty pages are ~30,000 input tokens of images). */
export const MAX_IMAGE_PAGES = 20;

const OptionalLevel = ReasoningLevelSchema.optional();
/**
 * How hard each model stage's model may think (`review` is the orchestrator): `off`, `low`,
 * `medium` or `high`, mapped per model to OpenAI's reasoning effort, Anthropic's thinking and
 * Gemini's thinking level. A stage left out reasons at `low`. The output cap leaves room for it.
 */
export const ReasoningSettingsSchema = z.strictObject(
  Object.fromEntries(MODEL_STAGES.map((stage) => [stage, OptionalLevel])) as Record<ModelStage, typeof OptionalLevel>,
);
export type ReasoningSettings = z.infer<typeof ReasoningSettingsSchema>;

/**
 * What `POST /queue/process/{id}` takes and what a saved configuration holds: the models per stage
 * (each an ordered fallback chain, primary first), the orchestrator and its instructions, and the
 * temperature every call is made at (by models whose API takes one). Unknown keys are refused, so nothing rides along unnoticed.
 */
export const ModelConfigSchema = z.strictObject({
  temperature: z.number().min(0).max(1),
  orchestrator_model: ModelIdSchema,
  orchestrator_prompt: z.string().max(20_000).default(''),
  stage_models: z.strictObject(Object.fromEntries(CHAIN_STAGES.map((stage) => [stage, ChainSchema])) as Record<ChainStage, typeof ChainSchema>),
  /**
   * A per-item cost cap in USD. Before each call its expected cost is checked against what the run
   * has spent: a model that would overspend is skipped for the next one of its chain, and the item
   * fails with a budget error when no model fits.
   */
  max_cost_usd: z.number().positive().max(10_000).optional(),
  /** When set, items whose result is doubtful wait for a person before they are finalised. */
  review: ReviewPolicySchema.optional(),
  reasoning: ReasoningSettingsSchema.optional(),
  /** `text` (the default), `image` or `both`: see `DOCUMENT_INPUTS`. */
  document_input: DocumentInputSchema.optional(),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

/** The configuration a run used, as an item keeps it (`model_config`): the settings and the id they count under. */
export const RunConfigSchema = ModelConfigSchema.extend({ configuration_id: z.string().optional() });
export type RunConfig = z.infer<typeof RunConfigSchema>;

/** Every model id a configuration names, for checking against the catalog. */
export function modelIdsOf(config: ModelConfig): string[] {
  return [config.orchestrator_model, ...CHAIN_STAGES.flatMap((stage) => config.stage_models[stage])];
}
