import { z } from 'zod';
import { EstimateSchema, IntervalSchema } from './experiments.ts';
import { MODEL_STAGES } from './stages.ts';

/*
 * Analytics: `GET /analytics/models`, `/analytics/configurations`, `/analytics/recommendations` (the
 * outside contract's) and `GET /dashboard/analytics` (the dashboard's charts over a time range).
 */

const nullableNumber = z.number().nullable();

export const AnalyticsFiltersSchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional().describe('calls (or runs) at or after this time'),
  to: z.iso.datetime({ offset: true }).optional().describe('calls (or runs) before this time'),
  stage: z.enum(MODEL_STAGES).optional(), provider: z.string().min(1).max(50).optional(), model: z.string().min(1).max(100).optional(),
  configuration_id: z.uuid().optional(),
});
export type AnalyticsFilters = z.infer<typeof AnalyticsFiltersSchema>;

export const ModelPerformanceRowSchema = z
  .object({
    model: z.string(), provider: z.string(), stage: z.string(),
    calls: z.number(), successes: z.number(), success_rate: z.number(),
    avg_latency_ms: z.number(),
    p95_latency_ms: z.number().describe('exact below 50 ms, within 4.8 % above (log-bucket histogram)'),
    input_tokens: z.number(), output_tokens: z.number(), cost_usd: z.number(), simulated: z.boolean(),
    first_call_at: z.string(), last_call_at: z.string(),
  })
  .meta({ id: 'ModelPerformanceRow' });
export type ModelPerformanceRow = z.infer<typeof ModelPerformanceRowSchema>;
export const ModelPerformanceListSchema = z.array(ModelPerformanceRowSchema);

export const ConfigurationPerformanceRowSchema = z
  .object({
    configuration_id: z.uuid(), name: z.string().nullable(), config: z.record(z.string(), z.unknown()),
    times_used: z.number(), labelled_runs: z.number(),
    avg_accuracy: nullableNumber, avg_cost_usd: nullableNumber, avg_duration_ms: nullableNumber, success_rate: nullableNumber, total_cost_usd: nullableNumber,
    updated_at: z.string(),
  })
  .meta({ id: 'ConfigurationPerformanceRow' });
export type ConfigurationPerformanceRow = z.infer<typeof ConfigurationPerformanceRowSchema>;
export const ConfigurationPerformanceListSchema = z.array(ConfigurationPerformanceRowSchema);

export const RecommendationsQuerySchema = z.strictObject({
  days: z.coerce.number().int().min(1).max(365).default(30).describe('the window of runs and calls the evidence is drawn from'),
  stage: z.enum(MODEL_STAGES).optional(),
  max_accuracy_loss: z.coerce.number().min(0).max(0.5).default(0.02).describe('the accuracy a switch may give up (non-inferiority margin)'),
  min_pairs: z.coerce.number().int().min(2).max(10_000).default(20),
});

export const DECISIONS = ['switch', 'keep', 'insufficient_evidence'] as const;
export type Decision = (typeof DECISIONS)[number];

const FailureRateSchema = z.object({ rate: z.number(), calls: z.number(), ci: IntervalSchema });
export type FailureRate = z.infer<typeof FailureRateSchema>;

export const CandidateSchema = z.object({
  model: z.string(),
  decision: z.enum(DECISIONS),
  reason: z.string(),
  evidence: z.object({
    pairs: z.number(),
    accuracy_current: nullableNumber, accuracy_candidate: nullableNumber, accuracy_difference: EstimateSchema.nullable(),
    cost_per_item_current: nullableNumber, cost_per_item_candidate: nullableNumber, cost_difference_per_item: EstimateSchema.nullable(),
    latency_ms_current: nullableNumber, latency_ms_candidate: nullableNumber, latency_difference_ms: EstimateSchema.nullable(),
    failure_rate_current: FailureRateSchema.nullable(), failure_rate_candidate: FailureRateSchema.nullable(),
  }),
  projected_saving: z
    .object({ per_item_usd: z.number(), stage_runs_per_30_days: z.number(), usd_per_30_days: z.number(), usd_per_30_days_ci: IntervalSchema })
    .nullable(),
});
export type Candidate = z.infer<typeof CandidateSchema>;

export const RecommendationsSchema = z
  .object({
    generated_at: z.string(),
    window: z.object({ from: z.string(), to: z.string(), days: z.number() }),
    max_accuracy_loss: z.number(),
    min_pairs: z.number(),
    labelled_runs: z.number().describe('labelled completed runs the evidence was drawn from'),
    recommendations: z.array(z.object({ stage: z.string(), from_model: z.string(), to_model: z.string(), summary: z.string(), usd_per_30_days: z.number().nullable() })),
    stages: z.array(z.object({ stage: z.string(), current_model: z.string().nullable(), current_stage_runs_per_30_days: z.number(), candidates: z.array(CandidateSchema) })),
  })
  .meta({ id: 'Recommendations' });
export type Recommendations = z.infer<typeof RecommendationsSchema>;

export const TimeRangeQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

/** `GET /dashboard/analytics`: what the dashboard's analytics page charts over one time range. */
export const TimeRangeAnalyticsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    step: z.enum(['hour', 'day']),
    totals: z.object({ calls: z.number(), successes: z.number(), cost_usd: z.number(), runs: z.number(), completed_runs: z.number(), avg_accuracy: nullableNumber }),
    models: z.array(
      z.object({
        model: z.string(), provider: z.string(), calls: z.number(), successes: z.number(),
        cost_usd: nullableNumber, input_tokens: nullableNumber, output_tokens: nullableNumber,
        avg_latency_ms: nullableNumber, p50_latency_ms: nullableNumber, p95_latency_ms: nullableNumber,
      }),
    ),
    latency_histogram: z.array(z.object({ lower_ms: z.number(), upper_ms: nullableNumber, calls: z.number(), successes: z.number() })),
    timeline: z.array(z.object({ at: z.string(), calls: z.number(), successes: z.number(), cost_usd: nullableNumber })),
    configurations: z.array(
      z.object({
        configuration_id: z.string(), name: z.string().nullable(), runs: z.number(), completed: z.number(), labelled_runs: z.number(),
        avg_accuracy: nullableNumber, avg_cost_usd: nullableNumber, total_cost_usd: nullableNumber, avg_duration_ms: nullableNumber,
      }),
    ),
  })
  .meta({ id: 'TimeRangeAnalytics' });
export type TimeRangeAnalytics = z.infer<typeof TimeRangeAnalyticsSchema>;

/** `GET /analytics/paths`: accuracy per field path of the labelled completed items. */
export const PathAccuracyQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional().describe('items finished at or after this time'),
  to: z.iso.datetime({ offset: true }).optional().describe('items finished before this time'),
  configuration_id: z.uuid().optional(),
  experiment_id: z.uuid().optional().describe("only the items of this experiment's arms (each arm is a configuration)"),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

export const PathAccuracyRowSchema = z
  .object({
    configuration_id: z.uuid().nullable(), configuration_name: z.string().nullable(), schema_name: z.string().nullable(),
    path: z.string().describe('a schema path: list indices as "*" (`/line_items/*/amount`)'),
    items: z.number(), values: z.number(), correct: z.number(), accuracy: z.number(),
  })
  .meta({ id: 'PathAccuracyRow' });
export type PathAccuracyRow = z.infer<typeof PathAccuracyRowSchema>;
export const PathAccuracyListSchema = z.array(PathAccuracyRowSchema);
