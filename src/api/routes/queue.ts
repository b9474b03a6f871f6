import { createRoute, z } from '@hono/zod-openapi';
import { inTransaction } from '../../db/pool.ts';
import { ACTIVE_STATUSES, ITEM_STATUSES, getQueueItem, insertQueueItems, listQueueItems, setItemStatus, type NewQueueItem } from '../../db/queue-items.ts';
import { ExtractionSchemaSchema } from '../../domain/extraction-schema.ts';
import { ModelConfigSchema } from '../../contract/model-config.ts';
import { DocumentRejectedError, SUPPORTED_MIME_TYPES, documentText } from '../../intake/document-text.ts';
import { itemDetail } from '../../runs/item-detail.ts';
import { resolveConfiguration } from '../../runs/resolve-configuration.ts';
import { RESUMABLE_STAGES } from '../../runs/resume-point.ts';
import { retryItem } from '../../runs/retry-item.ts';
import { startExtraction } from '../../runs/start-extraction.ts';
import { workflowIdFor } from '../../temporal/names.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { HttpError, notFound } from '../errors.ts';
import { createRouter, ErrorResponses, IdParams, json, jsonBody } from '../router.ts';

const FieldValueSchema = z.union([z.string().max(10_000), z.number(), z.boolean(), z.array(z.string().max(10_000)).max(1000), z.null()]);

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
  .openapi('QueueItemInput');
type QueueItemInput = z.infer<typeof QueueItemInputSchema>;

export const ProcessBodySchema = z
  .union([
    ModelConfigSchema.extend({ configuration_id: z.uuid().optional() }),
    z.strictObject({ configuration_id: z.uuid() }),
  ])
  .openapi('ProcessRequest');

const RetryBodySchema = z
  .strictObject({
    from_stage: z.enum(RESUMABLE_STAGES).optional(),
    configuration: ModelConfigSchema.optional(),
    configuration_id: z.uuid().optional(),
  })
  .refine((body) => !(body.configuration && body.configuration_id), 'give a configuration or a configuration_id, not both')
  .openapi('RetryRequest');

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes and reads a document; every way it can be unusable is a 400 naming the item. */
async function toNewItem(input: QueueItemInput, index: number | undefined): Promise<NewQueueItem> {
  const where = index === undefined ? 'document' : `items.${index}.document`;
  try {
    const doc = input.document;
    let extracted;
    if ('text' in doc) {
      extracted = await documentText(Buffer.from(doc.text, 'utf8'), 'text/plain');
    } else {
      const compact = doc.content_base64.replace(/\s+/g, '');
      if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
        throw new DocumentRejectedError('invalid_base64', 'content_base64 is not valid base64');
      }
      extracted = await documentText(Buffer.from(compact, 'base64'), doc.mime_type);
    }
    return {
      text: extracted.text,
      mimeType: extracted.mimeType,
      filename: 'filename' in doc ? (doc.filename ?? null) : null,
      bytes: extracted.bytes,
      schema: input.schema,
      expected: input.expected ?? null,
      metadata: input.metadata ?? {},
    };
  } catch (error) {
    if (error instanceof DocumentRejectedError) throw new HttpError(400, error.code, `${where}: ${error.message}`);
    throw error;
  }
}

const ItemCreatedSchema = z.object({ id: z.uuid(), status: z.literal('pending') });
const StartedSchema = z.object({ id: z.uuid(), workflow_id: z.string(), run_id: z.string(), status: z.literal('queued') });

export function queueRoutes(deps: ApiDependencies) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: '/queue',
        summary: 'Queue one document',
        request: jsonBody(QueueItemInputSchema),
        responses: { 201: json(ItemCreatedSchema, 'queued as pending'), ...ErrorResponses },
      }),
      async (c) => {
        const item = await toNewItem(c.req.valid('json'), undefined);
        const [id] = await insertQueueItems(deps.pool, [item]);
        return c.json({ id: id!, status: 'pending' as const }, 201);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/queue/batch',
        summary: 'Queue several documents at once: all of them, or none',
        request: jsonBody(z.strictObject({ items: z.array(QueueItemInputSchema).min(1).max(500) })),
        responses: { 201: json(z.object({ ids: z.array(z.uuid()) }), 'queued as pending'), ...ErrorResponses },
      }),
      async (c) => {
        const inputs = c.req.valid('json').items;
        const items = await Promise.all(inputs.map((input, index) => toNewItem(input, index)));
        const ids = await inTransaction(deps.pool, (client) => insertQueueItems(client, items));
        return c.json({ ids }, 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/queue',
        summary: 'A page of queue items, newest first',
        request: {
          query: z.strictObject({
            status: z.enum(ITEM_STATUSES).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            cursor: z.string().max(200).optional(),
          }),
        },
        responses: {
          200: json(z.object({ items: z.array(z.record(z.string(), z.unknown())), next_cursor: z.string().nullable() }), 'a page'),
          ...ErrorResponses,
        },
      }),
      async (c) => {
        const { status, limit, cursor } = c.req.valid('query');
        const items = await listQueueItems(deps.pool, { status, limit, after: cursor ? decodeCursor(cursor) : undefined });
        const last = items.at(-1);
        const next = items.length === limit && last ? encodeCursor(last.created_at, last.id) : null;
        return c.json({ items, next_cursor: next }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/queue/{id}',
        summary: 'One item: status, stages, result, usage and accuracy',
        request: { params: IdParams },
        responses: { 200: json(z.record(z.string(), z.unknown()), 'the item'), ...ErrorResponses },
      }),
      async (c) => {
        const detail = await itemDetail(deps, c.req.valid('param').id);
        if (!detail) throw notFound(`queue item ${c.req.valid('param').id}`);
        return c.json(detail, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/queue/process/{id}',
        summary: 'Start the extraction workflow of an item with a configuration',
        request: { params: IdParams, ...jsonBody(ProcessBodySchema) },
        responses: { 202: json(StartedSchema, 'the run started'), ...ErrorResponses },
      }),
      async (c) => {
        const { config, configurationId } = await resolveConfiguration(deps, c.req.valid('json'));
        const started = await startExtraction(deps, c.req.valid('param').id, config, configurationId);
        return c.json(started, 202);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/queue/{id}/cancel',
        summary: 'Cancel the active run of an item, or a pending item',
        request: { params: IdParams },
        responses: { 202: json(z.object({ id: z.uuid(), status: z.string() }), 'cancelling'), ...ErrorResponses },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const item = await getQueueItem(deps.pool, id);
        if (!item) throw notFound(`queue item ${id}`);
        if (item.status === 'pending') {
          await setItemStatus(deps.pool, id, 'cancelled');
          return c.json({ id, status: 'cancelled' }, 202);
        }
        if (!ACTIVE_STATUSES.includes(item.status)) {
          throw new HttpError(409, 'not_active', `queue item ${id} is ${item.status}; there is no run to cancel`);
        }
        await deps.temporal.workflow.getHandle(workflowIdFor(id)).cancel();
        return c.json({ id, status: 'cancelling' }, 202);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/queue/{id}/retry',
        summary: 'Run a failed or cancelled item again, reusing the stages that finished',
        description:
          'Without a body the retry resumes from the first stage the last run did not finish, with the same ' +
          'configuration. `from_stage` resumes from an earlier stage (`classify` runs everything again); a new ' +
          '`configuration` or `configuration_id` applies to the stages that run again.',
        request: {
          params: IdParams,
          body: { required: false, content: { 'application/json': { schema: RetryBodySchema } } },
        },
        responses: { 202: json(StartedSchema.extend({ from_stage: z.enum(RESUMABLE_STAGES) }), 'the run started'), ...ErrorResponses },
      }),
      async (c) => {
        const body = c.req.header('content-type')?.includes('application/json') ? c.req.valid('json') : {};
        const started = await retryItem(deps, c.req.valid('param').id, {
          fromStage: body.from_stage,
          configuration: body.configuration,
          configurationId: body.configuration_id,
        });
        return c.json(started, 202);
      },
    );
}

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const parsed = z.tuple([z.iso.datetime(), z.uuid()]).parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { createdAt: parsed[0], id: parsed[1] };
  } catch {
    throw new HttpError(400, 'invalid_cursor', 'cursor is not one this API returned');
  }
}


