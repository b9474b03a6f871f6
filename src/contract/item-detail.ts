import { z } from 'zod';
import { ITEM_STATUSES } from './item-status.ts';
import { RunConfigSchema } from './model-config.ts';
import { DataSchema } from './queue.ts';
import { RUN_STAGES } from './stages.ts';

/*
 * `GET /queue/{id}`: one item with its current run's stages, result, usage and every provider call.
 */

const RoundSchema = z.object({ step: z.number().int(), model: z.string().nullable(), attempts: z.number().int(), models_tried: z.array(z.string()) });

export const StageSummarySchema = z
  .object({
    stage: z.enum(RUN_STAGES),
    status: z.enum(['pending', 'running', 'completed', 'failed', 'cancelled']),
    /** The output was copied from the run this one retried: no model was called for it. */
    reused: z.boolean(),
    model: z.string().nullable(),
    attempts: z.number().int(),
    /** Models called in the first pass, in order: those before `model` are its fallback hops. */
    models_tried: z.array(z.string()),
    /** The first pass, then the orchestrator's re-extraction rounds. */
    rounds: z.array(RoundSchema),
  })
  .meta({ id: 'StageSummary' });
export type StageSummary = z.infer<typeof StageSummarySchema>;

export const CallRecordSchema = z
  .object({
    stage: z.string(), step: z.number().int(), model: z.string(), provider: z.string(), attempt: z.number().int(),
    success: z.boolean(), error: z.string().nullable(),
    /** Every input token, of which `cached_input_tokens` were read from and `cache_write_tokens` written to the provider's prompt cache. */
    input_tokens: z.number(), cached_input_tokens: z.number(), cache_write_tokens: z.number(),
    /** Every output token, of which `reasoning_tokens` were spent thinking. */
    output_tokens: z.number(), reasoning_tokens: z.number(),
    response_time_ms: z.number(), cost_usd: z.number().nullable(),
    /** The temperature sent; null for a model whose API takes none. */
    temperature: z.number().nullable(), simulated: z.boolean(), created_at: z.string(),
  })
  .meta({ id: 'ProviderCall' });
export type CallRecord = z.infer<typeof CallRecordSchema>;

/** What is known of one value of the result, keyed by its JSON Pointer in `result.fields`. */
export const ExtractedFieldSchema = z.looseObject({
  value: z.unknown(),
  confidence: z.number().optional(),
  /** The model whose extraction gave the value (the orchestrator's, when no extraction did). */
  model: z.string().optional(),
  /** The validator accepted it and no validation rule of the schema failed on it. */
  validated: z.boolean().optional(),
  /** Set when a reviewer corrected the value in the run's human review: `value` is theirs. */
  model_value: z.unknown().optional(),
  corrected_by: z.string().optional(),
});
export type ExtractedField = z.infer<typeof ExtractedFieldSchema>;

/** The stored result: known keys are typed, and keys a later version adds pass through. */
export const ItemResultSchema = z
  .looseObject({
    document_type: z.string().nullable().optional(),
    document_type_confidence: z.number().nullable().optional(),
    /** The extracted document: plain JSON of the schema's shape. */
    data: DataSchema.optional(),
    /** Per value, by JSON Pointer into `data` (`/invoice_number`, `/line_items/2/amount`). */
    fields: z.record(z.string(), ExtractedFieldSchema).optional(),
    /** Paths the orchestrator could not settle (after its re-extraction). */
    disputed: z.array(z.string()).optional(),
    /** The schema's validation rules that the final data breaks. */
    rule_failures: z.array(z.looseObject({ rule: z.number().int(), message: z.string(), pointers: z.array(z.string()) })).optional(),
    simulated: z.boolean().optional(),
    /** Per expected value, by JSON Pointer into `expected`: `{expected, actual, correct, method}`. */
    scoring: z.record(z.string(), z.unknown()).optional(),
    /** Why the run waits for a reviewer. */
    review_reasons: z.array(z.string()).optional(),
    /** Who decided in the run's human review. */
    reviewed_by: z.string().optional(),
    /** Who last corrected the item's ground truth after it completed. */
    corrected_by: z.string().optional(),
  })
  .meta({ id: 'ItemResult' });
export type ItemResult = z.infer<typeof ItemResultSchema>;

export const UsageSchema = z.object({
  calls: z.number().int(), failed_calls: z.number().int(),
  input_tokens: z.number(), output_tokens: z.number(), cost_usd: z.number(), duration_ms: z.number().nullable(),
});

export const ItemDetailSchema = z
  .object({
    id: z.uuid(), status: z.enum(ITEM_STATUSES),
    /** The schema as it was given (simple form, JSON Schema, or an ExtractBench file). */
    schema: z.record(z.string(), z.unknown()),
    document: z.object({ mime_type: z.string(), filename: z.string().nullable(), bytes: z.number(), characters: z.number(), preview: z.string() }),
    expected: DataSchema.nullable(), metadata: z.record(z.string(), z.unknown()),
    model_config: RunConfigSchema.nullable(), configuration_id: z.string().nullable(),
    workflow_id: z.string().nullable(), run_id: z.string().nullable(), current_stage: z.string().nullable(),
    stages: z.array(StageSummarySchema), result: ItemResultSchema.nullable(), usage: UsageSchema, calls: z.array(CallRecordSchema),
    accuracy: z.number().optional(), error: z.string().optional(), simulated: z.boolean().nullable(),
    created_at: z.string(), updated_at: z.string(), started_at: z.string().nullable(), finished_at: z.string().nullable(),
  })
  .meta({ id: 'QueueItem' });
export type ItemDetail = z.infer<typeof ItemDetailSchema>;
