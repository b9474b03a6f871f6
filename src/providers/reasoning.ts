import type { CatalogModel, ReasoningLevel } from './types.ts';

/**
 * Reasoning effort and output room. Every provider counts reasoning (thinking) tokens inside the
 * output cap — `max_completion_tokens`, Anthropic's `max_tokens`, Gemini's `maxOutputTokens` — so a
 * cap sized for the answer alone lets a reasoning model think its whole budget away and answer
 * nothing. The cap is therefore the answer's room plus an allowance for the configured level.
 */

/** Tokens of thinking each level is given room for (and, for budgeted thinking, its `budget_tokens`). */
export const REASONING_ALLOWANCE: Record<ReasoningLevel, number> = { off: 0, low: 2048, medium: 8192, high: 24_576 };

/** The level the model will actually reason at: `off` becomes the least it allows. */
export function effectiveLevel(model: CatalogModel, level: ReasoningLevel): ReasoningLevel {
  const control = model.reasoning;
  if (control.control === 'none') return 'off';
  if (level !== 'off') return level;
  if (control.control === 'gemini_level' && control.off === 'low') return 'low';
  if (control.control === 'openai_effort' && control.off === 'low') return 'low';
  return 'off';
}

/** Room for the answer itself: a generous multiple of the model's typical output per field. */
export function answerRoom(model: CatalogModel, fields: number): number {
  const wanted = 512 + 3 * model.typical_output_tokens_per_field * Math.max(1, fields);
  return Math.min(model.max_output_tokens, Math.max(1024, wanted));
}

/**
 * Whether a prompt of `inputTokens` can be sent at all: within the model's input limit (below its
 * window for some, e.g. 272k of gpt-5's 400k), with room left in the window for at least a short
 * answer — input and output share it.
 */
export function fitsContext(model: CatalogModel, inputTokens: number): boolean {
  return inputTokens <= model.input_limit && inputTokens + answerRoom(model, 1) <= model.context_window;
}

/**
 * The output cap of one attempt. A truncated answer is only worth another attempt with more room, so
 * each attempt doubles the first attempt's cap, up to the model's own limit; once there,
 * `canGrow` is false and a truncation is final for this model.
 */
export function outputBudget(
  model: CatalogModel,
  level: ReasoningLevel,
  fields: number,
  attempt: number,
): { maxOutputTokens: number; reasoningAllowance: number; canGrow: boolean } {
  const reasoningAllowance = REASONING_ALLOWANCE[effectiveLevel(model, level)];
  const first = Math.min(model.max_output_tokens, answerRoom(model, fields) + reasoningAllowance);
  const maxOutputTokens = Math.min(model.max_output_tokens, first * 2 ** Math.max(0, attempt - 1));
  return { maxOutputTokens, reasoningAllowance, canGrow: maxOutputTokens < model.max_output_tokens };
}

/** OpenAI's `reasoning_effort`, or undefined for a model without it. */
export function openAIReasoningEffort(model: CatalogModel, level: ReasoningLevel): 'none' | 'minimal' | 'low' | 'medium' | 'high' | undefined {
  const control = model.reasoning;
  if (control.control !== 'openai_effort') return undefined;
  return level === 'off' ? control.off : level;
}

export type AnthropicThinking =
  | { thinking: { type: 'disabled' } }
  | { thinking: { type: 'adaptive' }; effort: 'low' | 'medium' | 'high' }
  | { thinking: { type: 'enabled'; budget_tokens: number } };

/**
 * Anthropic's thinking settings: adaptive thinking steered by `output_config.effort` (Opus 4.7
 * refuses budgeted thinking with a 400), or a `budget_tokens` of at least 1024 and below
 * `max_tokens` for models with budgeted thinking only. Undefined for a model that does not think.
 */
export function anthropicThinking(model: CatalogModel, level: ReasoningLevel, maxOutputTokens: number): AnthropicThinking | undefined {
  const control = model.reasoning.control;
  if (control !== 'anthropic_adaptive' && control !== 'anthropic_budget') return undefined;
  if (level === 'off') return { thinking: { type: 'disabled' } };
  if (control === 'anthropic_adaptive') return { thinking: { type: 'adaptive' }, effort: level };
  // The budget stays below max_tokens with room left for the answer, and never below the API's minimum.
  const budget = Math.max(1024, Math.min(REASONING_ALLOWANCE[level], maxOutputTokens - 1024));
  if (budget >= maxOutputTokens) return { thinking: { type: 'disabled' } };
  return { thinking: { type: 'enabled', budget_tokens: budget } };
}

/** Gemini 3's `thinkingLevel`, or undefined for a model without it. */
export function geminiThinkingLevel(model: CatalogModel, level: ReasoningLevel): 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH' | undefined {
  const control = model.reasoning;
  if (control.control !== 'gemini_level') return undefined;
  const chosen = level === 'off' ? control.off : level;
  return chosen.toUpperCase() as 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH';
}
