import { percent, usd } from './format.ts';
import type { ModelConfig, ReviewPolicy } from '../../../contract/model-config.ts';

// A configuration's optional limits — the per-item budget and the human-review policy — as the
// builder edits them: text, so a half-typed number ("0.") stays in its input until it is one.

export interface PolicyDraft {
  budget: string;
  reviewOn: boolean;
  threshold: string;
  deadlineHours: string;
  onDeadline: ReviewPolicy['on_deadline'];
}

/** The server's defaults (src/contract/model-config.ts), shown when review is first switched on. */
const REVIEW_DEFAULTS: ReviewPolicy = { confidence_threshold: 0.5, deadline_hours: 24, on_deadline: 'accept' };
const MAX_BUDGET_USD = 10_000;
const MAX_DEADLINE_HOURS = 24 * 90;

export function draftOf(config: Pick<ModelConfig, 'max_cost_usd' | 'review'>): PolicyDraft {
  const review = config.review ?? REVIEW_DEFAULTS;
  return {
    budget: config.max_cost_usd === undefined ? '' : String(config.max_cost_usd),
    reviewOn: config.review !== undefined,
    threshold: String(review.confidence_threshold),
    deadlineHours: String(review.deadline_hours),
    onDeadline: review.on_deadline,
  };
}

export type PolicyProblems = Partial<Record<'budget' | 'threshold' | 'deadlineHours', string>>;

/** What is wrong with each input, by input; empty when the draft can be saved. */
export function policyProblems(draft: PolicyDraft): PolicyProblems {
  const problems: PolicyProblems = {};
  const budget = Number(draft.budget);
  if (draft.budget.trim() && !(Number.isFinite(budget) && budget > 0 && budget <= MAX_BUDGET_USD)) {
    problems.budget = `A budget is more than $0 and at most $${MAX_BUDGET_USD.toLocaleString('en-US')}; leave it empty for none.`;
  }
  if (draft.reviewOn) {
    const threshold = Number(draft.threshold);
    if (!draft.threshold.trim() || !(threshold >= 0 && threshold <= 1)) problems.threshold = 'A confidence between 0 and 1.';
    const hours = Number(draft.deadlineHours);
    if (!draft.deadlineHours.trim() || !(hours > 0 && hours <= MAX_DEADLINE_HOURS)) problems.deadlineHours = `More than 0 and at most ${MAX_DEADLINE_HOURS} hours.`;
  }
  return problems;
}

/**
 * The configuration with the draft's limits: a field is sent only when it is set, because the
 * server refuses keys it does not know and an absent limit means none.
 */
export function withPolicy(config: ModelConfig, draft: PolicyDraft): ModelConfig {
  const { max_cost_usd: _budget, review: _review, ...base } = config;
  return {
    ...base,
    ...(draft.budget.trim() ? { max_cost_usd: Number(draft.budget) } : {}),
    ...(draft.reviewOn
      ? { review: { confidence_threshold: Number(draft.threshold), deadline_hours: Number(draft.deadlineHours), on_deadline: draft.onDeadline } }
      : {}),
  };
}

export function hours(value: number): string {
  return `${Number(value.toPrecision(4))} h`;
}

/** One line per limit for lists of configurations, e.g. `budget $0.05 per item`, and how the document is sent when not as text. */
export function policySummary(config: Pick<ModelConfig, 'max_cost_usd' | 'review' | 'document_input'>): string[] {
  const images = { image: ['page images to vision models'], both: ['page images and text to vision models'], text: [] }[config.document_input ?? 'text'];
  return [
    ...images,
    config.max_cost_usd === undefined ? 'no budget' : `budget ${usd(config.max_cost_usd)} per item`,
    config.review === undefined
      ? 'no human review'
      : `review below ${percent(config.review.confidence_threshold, 0)} confidence, ${config.review.on_deadline} after ${hours(config.review.deadline_hours)}`,
  ];
}
