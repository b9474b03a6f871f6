import { z } from 'zod';
import { ModelConfigSchema } from './model-config.ts';

/*
 * A/B experiments: what `POST /experiments` takes and what `GET /experiments[/{id}]` answers. The
 * analysis (src/analytics/experiment-results.ts) produces these shapes; the dashboard reads them.
 */

const int = z.number().int();

export const EXPERIMENT_STATUSES = ['running', 'completed', 'budget_exhausted', 'cancelled', 'failed'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

const ArmRequestSchema = z.union([
  ModelConfigSchema.extend({ name: z.string().trim().min(1).max(200).optional() }),
  z.strictObject({ configuration_id: z.uuid(), name: z.string().trim().min(1).max(200).optional() }),
]);

export const ExperimentRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    configurations: z.array(ArmRequestSchema).min(2, 'an experiment compares at least two configurations').max(5),
    item_ids: z.array(z.uuid()).min(1).max(10_000),
    concurrency: z.number().int().min(1).max(100).default(4),
    max_cost_usd: z.number().positive().max(100_000).optional(),
  })
  .meta({ id: 'ExperimentRequest' });
export type ExperimentRequest = z.infer<typeof ExperimentRequestSchema>;
/** The request as a client writes it (defaults not yet applied). */
export type ExperimentRequestInput = z.input<typeof ExperimentRequestSchema>;

export const ExperimentStartedSchema = z.object({ id: z.uuid(), workflow_id: z.string(), status: z.literal('running'), runs: int });
export const ExperimentCancellingSchema = z.object({ id: z.uuid(), status: z.literal('cancelling') });

export const IntervalSchema = z.object({ low: z.number(), high: z.number() }).meta({ id: 'Interval' });
export type Interval = z.infer<typeof IntervalSchema>;
export const EstimateSchema = z.object({ estimate: z.number(), low: z.number(), high: z.number() }).meta({ id: 'Estimate' });
export type Estimate = z.infer<typeof EstimateSchema>;

export const OUTCOMES = ['more_accurate', 'cheaper_without_significant_accuracy_difference', 'no_significant_difference', 'insufficient_evidence'] as const;
export const OutcomeSchema = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof OutcomeSchema>;

export const ArmSummarySchema = z
  .object({
    arm: int, name: z.string(), configuration_id: z.uuid(),
    runs: int, finished: int, completed: int, failed: int, cancelled: int,
    success_rate: z.number().nullable(), success_rate_ci: IntervalSchema.nullable(),
    labelled_completed: int,
    accuracy: z.number().nullable().describe('mean field accuracy over labelled completed runs'),
    accuracy_ci: IntervalSchema.nullable(),
    exact_match_rate: z.number().nullable().describe('share of labelled completed runs with every field right'),
    exact_match_ci: IntervalSchema.nullable(),
    cost_usd_total: z.number(), cost_usd_per_item: z.number().nullable(),
    latency_ms_p50: z.number().nullable(), latency_ms_p95: z.number().nullable(),
  })
  .meta({ id: 'ExperimentArmSummary' });
export type ArmSummary = z.infer<typeof ArmSummarySchema>;

const McNemarSchema = z.object({ control_only_correct: int, arm_only_correct: int, p_value: z.number(), p_value_adjusted: z.number() });

export const ComparisonSchema = z
  .object({
    control_arm: int, arm: int,
    pairs: z.number().int().describe('source items labelled and completed under both arms'),
    accuracy_difference: EstimateSchema.nullable().describe('arm − control, mean field accuracy, paired bootstrap 95 % CI'),
    mcnemar: McNemarSchema.nullable(),
    cost_difference_per_item: EstimateSchema.nullable().describe('arm − control, USD per item, paired bootstrap 95 % CI'),
    latency_p50_difference_ms: EstimateSchema.nullable().describe('arm − control, median latency, paired bootstrap 95 % CI'),
    outcome: OutcomeSchema,
    winner_arm: int.nullable(), summary: z.string(),
  })
  .meta({ id: 'ExperimentComparison' });
export type Comparison = z.infer<typeof ComparisonSchema>;

export const VerdictSchema = z.object({
  /** False while runs are still going: the numbers may change. */
  final: z.boolean(),
  winner_arm: z.number().int().nullable(),
  outcome: OutcomeSchema,
  summary: z.string(),
});
export type ExperimentVerdict = z.infer<typeof VerdictSchema>;

export const ExperimentRunSchema = z.object({
  arm: int, source_item_id: z.uuid(), item_id: z.uuid(), status: z.string(),
  accuracy: z.number().nullable(), cost_usd: z.number(), duration_ms: z.number().nullable(),
});
export type ExperimentRun = z.infer<typeof ExperimentRunSchema>;

export const ExperimentSchema = z
  .object({
    id: z.uuid(), name: z.string(), status: z.enum(EXPERIMENT_STATUSES), workflow_id: z.string(),
    concurrency: int, max_cost_usd: z.number().nullable(), items: int,
    configurations: z.array(z.object({ arm: int, name: z.string(), configuration_id: z.uuid(), config: z.record(z.string(), z.unknown()) })),
    error: z.string().nullable(), created_at: z.string(), finished_at: z.string().nullable(),
    progress: z.object({ runs: int, finished: int, running_or_pending: int, spent_usd: z.number() }),
    arms: z.array(ArmSummarySchema),
    comparisons: z.array(ComparisonSchema),
    verdict: VerdictSchema,
    runs: z.array(ExperimentRunSchema).describe('every (item, arm) run, for per-item charts and links to /queue/{item_id}'),
  })
  .meta({ id: 'Experiment' });
export type Experiment = z.infer<typeof ExperimentSchema>;

export const ExperimentListEntrySchema = z.object({
  id: z.uuid(), name: z.string(), status: z.enum(EXPERIMENT_STATUSES), items: int,
  configurations: z.array(z.string()), created_at: z.string(), finished_at: z.string().nullable(),
});
export type ExperimentListEntry = z.infer<typeof ExperimentListEntrySchema>;
export const ExperimentListSchema = z.array(ExperimentListEntrySchema);
