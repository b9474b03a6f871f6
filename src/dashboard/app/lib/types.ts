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
  context_window: number;
  simulated: boolean;
}

export interface ModelConfig {
  temperature: number;
  orchestrator_model: string;
  orchestrator_prompt: string;
  stage_models: Record<ChainStage, string[]>;
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
  result: { document_type?: string; fields?: Record<string, ExtractedField> } | null;
  usage: { calls: number; failed_calls: number; input_tokens: number; output_tokens: number; cost_usd: number; duration_ms: number | null };
  calls: CallRecord[];
  accuracy?: number;
  error?: string;
  simulated: boolean | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

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
