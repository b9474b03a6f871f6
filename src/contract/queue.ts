import { z } from 'zod';
import { ExtractionSchemaSchema } from '../domain/extraction-schema.ts';
import { ITEM_STATUSES } from './item-status.ts';
import { ModelConfigSchema } from './model-config.ts';
import { RESUMABLE_STAGES } from './stages.ts';

/*
 * The queue's requests and the small answers about items: what `POST /queue`, `/queue/batch`,
 * `/queue/process`, `/queue/{id}/retry`, `/queue/{id}/cancel`, `GET /queue` and `GET /queue/count`
 * take and give. The item itself (`GET /queue/{id}`) is in item-detail.ts.
 */

export { ExtractionSchemaSchema };
export type { ExtractionField, ExtractionSchema, FieldType, FieldValue } from '../domain/extraction-schema.ts';
export { FIELD_TYPES } from '../domain/extraction-schema.ts';

/** The document forms intake accepts, by MIME type. */
export const SUPPORTED_MIME_TYPES = ['text/plain', 'text/html', 'application/pdf'] as const;
export type SupportedMimeType = (typeof SUPPORTED_MIME_TYPES)[number];

/** A field's value as JSON carries it (expected values, corrections): lists are lists of strings. */
export const FieldValueSchema = z.union([z.string().max(10_000), z.number(), z.boolean(), z.array(z.string().max(10_000)).max(1000), z.null()]);
/** The same shapes without the request's size limits: what a model answered may be longer. */
export const AnyFieldValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);

const DocumentSchema = z.union([
  z.strictObject({ text: z.string().min(1).max(2_000_000) }),
  z.strictObject({
    content_base64: z.string().min(1),
    mime_type: z.enum(SUPPORTED_MIME_TYPES),
    filename: z.string().min(1).max(255).optional(),
  }),
]);

export const QueueItemInputSchema = z
  .strictObject({
    document: DocumentSchema,
    schema: ExtractionSchemaSchema,
    expected: z.record(z.string(), FieldValueSchema).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((item, ctx) => {
    const names = new Set(item.schema.fields.map((field) => field.name));
    for (const key of Object.keys(item.expected ?? {})) {
      if (!names.has(key)) ctx.addIssue({ code: 'custom', path: ['expected', key], message: `"${key}" is not a field of the schema` });
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
