import { z } from 'zod';
import { checkDataShape } from './schema/data-shape.ts';
import { tryParseExtractionSchema } from './schema/parse-schema.ts';
import { ExtractionSchemaBodySchema, pointerPath } from './schema/schema-input.ts';
import { ITEM_STATUSES } from './item-status.ts';
import { ModelConfigSchema } from './model-config.ts';
import { RESUMABLE_STAGES } from './stages.ts';

/*
 * The queue's requests and the small answers about items: what `POST /queue`, `/queue/batch`,
 * `/queue/process`, `/queue/{id}/retry`, `/queue/{id}/cancel`, `GET /queue` and `GET /queue/count`
 * take and give. The item itself (`GET /queue/{id}`) is in item-detail.ts.
 */

export { ExtractionSchemaBodySchema };


/** Plain JSON of a schema's shape (expected values, extracted data), checked against the schema where it matters. */
export const DataSchema = z.record(z.string(), z.unknown());

/**
 * A document: its text, or a file's bytes in base64. The format is told by the bytes first and the
 * declared `mime_type` and `filename` second, so a PDF sent as application/octet-stream is read as a
 * PDF; intake refuses anything else with a 400 that names the accepted formats
 * (`ACCEPTED_MIME_TYPES`). The upload is stored as it came and read by the item's run.
 */
const DocumentSchema = z.union([
  z.strictObject({ text: z.string().min(1).max(2_000_000) }),
  z.strictObject({
    content_base64: z.string().min(1),
    mime_type: z.string().min(1).max(255).optional(),
    filename: z.string().min(1).max(255).optional(),
  }),
]);

export const QueueItemInputSchema = z
  .strictObject({
    document: DocumentSchema,
    schema: ExtractionSchemaBodySchema,
    /** Plain JSON of the schema's shape; a key left out is not labelled (it is not scored). */
    expected: DataSchema.optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((item, ctx) => {
    if (!item.expected) return;
    // A refused schema is reported at `schema`; expected values are checked against one that reads.
    const parsed = tryParseExtractionSchema(item.schema);
    if (!parsed.ok) return;
    for (const issue of checkDataShape(parsed.schema.root, item.expected, { limit: 20 })) {
      ctx.addIssue({ code: 'custom', path: ['expected', ...pointerPath(issue.pointer)], message: issue.message });
    }
  })
  .meta({ id: 'QueueItemInput' });
export type QueueItemInput = z.infer<typeof QueueItemInputSchema>;

export const QueueBatchInputSchema = z.strictObject({ items: z.array(QueueItemInputSchema).min(1).max(500) });

export const ItemCreatedSchema = z.object({ id: z.uuid(), status: z.literal('pending') });
export const BatchCreatedSchema = z.object({ ids: z.array(z.uuid()) });

/** A saved configuration by id, or a configuration in the body (optionally counted under a saved id). */
export const ConfigurationChoiceSchema = z.union([
  ModelConfigSchema.extend({ configuration_id: z.uuid().optional() }),
  z.strictObject({ configuration_id: z.uuid() }),
]);
export type ConfigurationChoice = z.infer<typeof ConfigurationChoiceSchema>;

export const ProcessBodySchema = ConfigurationChoiceSchema.meta({ id: 'ProcessRequest' });

export const MAX_BATCH_IDS = 500;

/** `POST /queue/process`: several items under one configuration; the server starts each run. */
export const ProcessBatchBodySchema = z
  .strictObject({
    ids: z
      .array(z.uuid())
      .min(1)
      .max(MAX_BATCH_IDS)
      .refine((ids) => new Set(ids).size === ids.length, 'ids lists an item more than once'),
    configuration: ConfigurationChoiceSchema,
  })
  .meta({ id: 'ProcessBatchRequest' });
export type ProcessBatchBody = z.infer<typeof ProcessBatchBodySchema>;

export const StartedSchema = z.object({ id: z.uuid(), workflow_id: z.string(), run_id: z.string(), status: z.literal('queued') });
export type Started = z.infer<typeof StartedSchema>;

export const ProcessBatchResultSchema = z
  .object({
    started: z.array(StartedSchema),
    failed: z.array(z.object({ id: z.uuid(), error: z.object({ code: z.string(), message: z.string() }) })),
  })
  .meta({ id: 'ProcessBatchResult' });
export type ProcessBatchResult = z.infer<typeof ProcessBatchResultSchema>;

export const RetryBodySchema = z
  .strictObject({
    from_stage: z.enum(RESUMABLE_STAGES).optional(),
    configuration: ModelConfigSchema.optional(),
    configuration_id: z.uuid().optional(),
  })
  .refine((body) => !(body.configuration && body.configuration_id), 'give a configuration or a configuration_id, not both')
  .meta({ id: 'RetryRequest' });
export type RetryBody = z.infer<typeof RetryBodySchema>;

export const RetryStartedSchema = StartedSchema.extend({ from_stage: z.enum(RESUMABLE_STAGES) });
export type RetryStarted = z.infer<typeof RetryStartedSchema>;

export const CancelledSchema = z.object({ id: z.uuid(), status: z.enum(['cancelled', 'cancelling']) });

export const QueueQuerySchema = z.strictObject({
  status: z.enum(ITEM_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const QueueItemSummarySchema = z
  .object({
    id: z.uuid(), status: z.enum(ITEM_STATUSES), schema_name: z.string(),
    document_filename: z.string().nullable(), document_preview: z.string(), labelled: z.boolean(),
    configuration_id: z.string().nullable(), workflow_id: z.string().nullable(), current_stage: z.string().nullable(),
    accuracy: z.number().nullable(), error: z.string().nullable(), created_at: z.string(), updated_at: z.string(),
  })
  .meta({ id: 'QueueItemSummary' });
export type QueueItemSummary = z.infer<typeof QueueItemSummarySchema>;

export const QueuePageSchema = z.object({ items: z.array(QueueItemSummarySchema), next_cursor: z.string().nullable() });
export type QueuePage = z.infer<typeof QueuePageSchema>;

export const QueueCountQuerySchema = z.strictObject({ status: z.enum(ITEM_STATUSES).optional() });
export const QueueCountSchema = z.object({ count: z.number().int() }).meta({ id: 'QueueCount' });
