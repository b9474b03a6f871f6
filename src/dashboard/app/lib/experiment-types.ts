// The shapes of the experiment, recommendation and filtered analytics routes, as the dashboard reads
// them (see /openapi.json: Experiment, Recommendations, ModelPerformanceRow, ConfigurationPerformanceRow).

export interface Interval {
  low: number;
  high: number;
}

export interface Estimate extends Interval {
  estimate: number;
}

export const EXPERIMENT_STATUSES = ['running', 'completed', 'budget_exhausted', 'cancelled', 'failed'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

export type ExperimentOutcome = 'more_accurate' | 'cheaper_without_significant_accuracy_difference' | 'no_significant_difference' | 'insufficient_evidence';

export interface ExperimentListEntry {
  id: string;
  name: string;
  status: ExperimentStatus;
  items: number;
  configurations: string[];
  created_at: string;
  finished_at: string | null;
}

export interface ExperimentArm {
  arm: number;
  name: string;
  configuration_id: string;
  runs: number;
  finished: number;
  completed: number;
  failed: number;
  cancelled: number;
  success_rate: number | null;
  success_rate_ci: Interval | null;
  labelled_completed: number;
  accuracy: number | null;
  accuracy_ci: Interval | null;
  exact_match_rate: number | null;
  exact_match_ci: Interval | null;
  cost_usd_total: number;
  cost_usd_per_item: number | null;
  latency_ms_p50: number | null;
  latency_ms_p95: number | null;
}

export interface ExperimentComparison {
  control_arm: number;
  arm: number;
  pairs: number;
  accuracy_difference: Estimate | null;
  mcnemar: { control_only_correct: number; arm_only_correct: number; p_value: number; p_value_adjusted: number } | null;
  cost_difference_per_item: Estimate | null;
  latency_p50_difference_ms: Estimate | null;
  outcome: ExperimentOutcome;
  winner_arm: number | null;
  summary: string;
}

export interface ExperimentRun {
  arm: number;
  source_item_id: string;
  item_id: string;
  status: string;
  accuracy: number | null;
  cost_usd: number;
  duration_ms: number | null;
}

export interface Experiment {
  id: string;
  name: string;
  status: ExperimentStatus;
  workflow_id: string;
  concurrency: number;
  max_cost_usd: number | null;
  items: number;
  configurations: Array<{ arm: number; name: string; configuration_id: string; config: Record<string, unknown> }>;
  error: string | null;
  created_at: string;
  finished_at: string | null;
  progress: { runs: number; finished: number; running_or_pending: number; spent_usd: number };
  arms: ExperimentArm[];
  comparisons: ExperimentComparison[];
  verdict: { final: boolean; winner_arm: number | null; outcome: ExperimentOutcome; summary: string };
  runs: ExperimentRun[];
}

/** `POST /experiments`: an arm is a saved configuration (by id); the first arm is the control. */
export interface ExperimentRequest {
  name: string;
  configurations: Array<{ configuration_id: string; name?: string }>;
  item_ids: string[];
  concurrency: number;
  max_cost_usd?: number;
}

export type Decision = 'switch' | 'keep' | 'insufficient_evidence';

export interface FailureRate {
  rate: number;
  calls: number;
  ci: Interval;
}

export interface Candidate {
  model: string;
  decision: Decision;
  reason: string;
  evidence: {
    pairs: number;
    accuracy_current: number | null;
    accuracy_candidate: number | null;
    accuracy_difference: Estimate | null;
    cost_per_item_current: number | null;
    cost_per_item_candidate: number | null;
    cost_difference_per_item: Estimate | null;
    latency_ms_current: number | null;
    latency_ms_candidate: number | null;
    latency_difference_ms: Estimate | null;
    failure_rate_current: FailureRate | null;
    failure_rate_candidate: FailureRate | null;
  };
  projected_saving: { per_item_usd: number; stage_runs_per_30_days: number; usd_per_30_days: number; usd_per_30_days_ci: Interval } | null;
}

export interface Recommendations {
  generated_at: string;
  window: { from: string; to: string; days: number };
  max_accuracy_loss: number;
  min_pairs: number;
  labelled_runs: number;
  recommendations: Array<{ stage: string; from_model: string; to_model: string; summary: string; usd_per_30_days: number | null }>;
  stages: Array<{ stage: string; current_model: string | null; current_stage_runs_per_30_days: number; candidates: Candidate[] }>;
}

/** Stages the analytics routes filter by (the review stage included). */
export const ANALYTICS_STAGES = ['classify', 'extract', 'validate', 'review'] as const;

export interface AnalyticsFilters {
  stage: string;
  provider: string;
  model: string;
  configuration_id: string;
}

/** `GET /analytics/models`: one row per model, provider and stage. */
export interface ModelPerformanceRow {
  model: string;
  provider: string;
  stage: string;
  calls: number;
  successes: number;
  success_rate: number;
  avg_latency_ms: number;
  p95_latency_ms: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  simulated: boolean;
  first_call_at: string;
  last_call_at: string;
}

/** `GET /analytics/configurations`: one row per configuration. */
export interface ConfigurationPerformanceRow {
  configuration_id: string;
  name: string | null;
  times_used: number;
  labelled_runs: number;
  avg_accuracy: number | null;
  avg_cost_usd: number | null;
  avg_duration_ms: number | null;
  success_rate: number | null;
  total_cost_usd: number | null;
  updated_at: string;
}
