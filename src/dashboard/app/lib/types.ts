// The shapes the dashboard reads from the API (see /openapi.json and the outside contract).

export const CHAIN_STAGES = ['classify', 'extract', 'validate'] as const;
export type ChainStage = (typeof CHAIN_STAGES)[number];

export const ITEM_STATUSES = ['pending', 'queued', 'running', 'needs_review', 'completed', 'failed', 'cancelled'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
export const ACTIVE_STATUSES: readonly ItemStatus[] = ['queued', 'running', 'needs_review'];
export const FINISHED_STATUSES: readonly ItemStatus[] = ['completed', 'failed', 'cancelled'];

export interface CatalogModel {
  id: string;
  provider: string;
  display_name?: string;
  input_usd_per_mtok: number;
  output_usd_per_mtok: number;
  cached_input_usd_per_mtok?: number | null;
  context_window: number;
  /** False: the model's API takes no temperature, so the configuration's does not apply to it. */
  accepts_temperature?: boolean;
  /** `none` for a model that does not reason. */
  reasoning?: string;
  /** The provider's announced shutdown day, and the model to move to. */
  retires_on?: string | null;
  successor?: string | null;
  simulated: boolean;
}

/** A model its provider retired (`GET /models/retired`): configurations naming it are refused. */
export interface RetiredModel {
  id: string;
  provider: string;
  retired_on: string | null;
  successor: string;
}

export const REASONING_LEVELS = ['off', 'low', 'medium', 'high'] as const;
export type ReasoningLevel = (typeof REASONING_LEVELS)[number];
/** The model stages, the orchestrator's review included, each with its own reasoning level. */
export const REASONING_STAGES = ['classify', 'extract', 'validate', 'review'] as const;
export type ReasoningStage = (typeof REASONING_STAGES)[number];

/** The stages a retry can resume from, in pipeline order. */
export const RESUMABLE_STAGES = ['classify', 'extract', 'validate', 'review', 'finalise'] as const;
export type ResumableStage = (typeof RESUMABLE_STAGES)[number];

export interface ReviewPolicy {
  confidence_threshold: number;
  deadline_hours: number;
  on_deadline: 'accept' | 'fail';
}

export interface ModelConfig {
  temperature: number;
  orchestrator_model: string;
  orchestrator_prompt: string;
  stage_models: Record<ChainStage, string[]>;
  /** A per-item cost cap in USD; absent means none. */
  max_cost_usd?: number;
  /** Doubtful items wait for a person; absent means they are finalised as the models left them. */
  review?: ReviewPolicy;
  /** How hard each stage's model may think; a stage left out reasons at `low`. */
  reasoning?: Partial<Record<ReasoningStage, ReasoningLevel>>;
}

export interface SavedConfiguration extends ModelConfig {
  id: string;
  name: string | null;
  created_at: string;
}

export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'enum', 'list'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface SchemaField {
  name: string;
  type: FieldType;
  description: string;
  required: boolean;
  values?: string[];
}

export interface ExtractionSchema {
  name: string;
  fields: SchemaField[];
}

export type FieldValue = string | number | boolean | string[] | null;

export interface QueueItemSummary {
  id: string;
  status: ItemStatus;
  schema_name: string;
  document_filename: string | null;
  document_preview: string;
  labelled: boolean;
  configuration_id: string | null;
  workflow_id: string | null;
  current_stage: string | null;
  accuracy: number | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export interface StageSummary {
  stage: string;
  status: string;
  /** The output was copied from the run this one retried: no model was called for it. */
  reused?: boolean;
  model: string | null;
  attempts: number;
  /** Models called in the first pass, in order: those before `model` are its fallback hops. */
  models_tried: string[];
  /** The first pass, then the orchestrator's re-extraction rounds. */
  rounds: Array<{ step: number; model: string | null; attempts: number; models_tried: string[] }>;
}

export interface CallRecord {
  stage: string;
  model: string;
  provider: string;
  attempt: number;
  success: boolean;
  error: string | null;
  input_tokens: number;
  output_tokens: number;
  response_time_ms: number;
  cost_usd: number;
  created_at: string;
}

export interface ExtractedField {
  value: FieldValue;
  confidence?: number;
  model?: string;
  validated?: boolean;
  /** Set when a reviewer corrected the field in the run's human review: `value` is theirs. */
  model_value?: FieldValue;
  corrected_by?: string;
}

export interface ItemResult {
  document_type?: string;
  fields?: Record<string, ExtractedField>;
  /** Why the run waits for a reviewer. */
  review_reasons?: string[];
  /** Who decided in the run's human review. */
  reviewed_by?: string;
  /** Who last corrected the item's ground truth after it completed. */
  corrected_by?: string;
}

export interface ItemDetail {
  id: string;
  status: ItemStatus;
  schema: ExtractionSchema;
  document: { mime_type: string; filename: string | null; bytes: number; characters: number; preview: string };
  expected: Record<string, FieldValue> | null;
  model_config: (ModelConfig & { configuration_id?: string }) | null;
  configuration_id: string | null;
  workflow_id: string | null;
  run_id: string | null;
  current_stage: string | null;
  stages: StageSummary[];
  result: ItemResult | null;
  usage: { calls: number; failed_calls: number; input_tokens: number; output_tokens: number; cost_usd: number; duration_ms: number | null };
  calls: CallRecord[];
  accuracy?: number;
  error?: string;
  simulated: boolean | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** `POST /queue/{id}/retry`: the new run, and the stage it resumed from. */
export interface RetryStarted {
  id: string;
  workflow_id: string;
  run_id: string;
  status: 'queued';
  from_stage: ResumableStage;
}

/** `POST /queue/{id}/review`: a decision delivered to a waiting run (202), or corrections applied to a completed item (200). */
export type ReviewOutcome =
  | { id: string; status: 'accepted'; workflow_id: string }
  | { id: string; review_id: number; reviewer: string; expected: Record<string, FieldValue>; accuracy: number | null; rescored_runs: Array<{ run_id: string; configuration_id: string; accuracy: number | null }> };

export interface DashboardStatus {
  simulated: boolean;
  temporal_ui_url: string;
  temporal_namespace: string;
  token_required: boolean;
}

export interface ModelAnalytics {
  model: string;
  provider: string;
  calls: number;
  successes: number;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  avg_latency_ms: number;
  p50_latency_ms: number;
  p95_latency_ms: number;
}

export interface ConfigurationAnalytics {
  configuration_id: string;
  name: string | null;
  runs: number;
  completed: number;
  avg_accuracy: number | null;
  labelled_runs: number;
  avg_cost_usd: number;
  total_cost_usd: number;
  avg_duration_ms: number;
}

export interface Analytics {
  from: string;
  to: string;
  step: 'hour' | 'day';
  totals: { calls: number; successes: number; cost_usd: number; runs: number; completed_runs: number; avg_accuracy: number | null };
  models: ModelAnalytics[];
  latency_histogram: Array<{ lower_ms: number; upper_ms: number | null; calls: number; successes: number }>;
  timeline: Array<{ at: string; calls: number; successes: number; cost_usd: number }>;
  configurations: ConfigurationAnalytics[];
}
