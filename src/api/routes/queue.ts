import { createRoute, z } from '@hono/zod-openapi';
import { ItemDetailSchema } from '../../contract/item-detail.ts';
import {
  BatchCreatedSchema,
  CancelledSchema,
  ItemCreatedSchema,
  ProcessBatchBodySchema,
  ProcessBatchResultSchema,
  ProcessBodySchema,
  QueueBatchInputSchema,
  QueueCountQuerySchema,
  QueueCountSchema,
  QueueItemInputSchema,
  QueuePageSchema,
  QueueQuerySchema,
  RetryBodySchema,
  RetryStartedSchema,
  StartedSchema,
} from '../../contract/queue.ts';
import { countQueueItems, listQueueItems } from '../../db/queue-items.ts';
import { cancelItem } from '../../runs/cancel-item.ts';
import { NotFoundError } from '../../runs/errors.ts';
import { itemDetail } from '../../runs/item-detail.ts';
import { processItems } from '../../runs/process-items.ts';
import { queueDocuments } from '../../runs/queue-documents.ts';
import { resolveConfiguration } from '../../runs/resolve-configuration.ts';
import { retryItem } from '../../runs/retry-item.ts';
import { startExtraction } from '../../runs/start-extraction.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { createRouter, ErrorResponses, IdParams, json, jsonBody } from '../openapi.ts';

export function queueRoutes(deps: ApiDependencies) {
  return (
    createRouter()
      .openapi(
        createRoute({
          method: 'post',
          path: '/queue',
          summary: 'Queue one document',
          request: jsonBody(QueueItemInputSchema),
          responses: { 201: json(ItemCreatedSchema, 'queued as pending'), ...ErrorResponses },
        }),
        async (c) => {
          const [id] = await queueDocuments(deps.pool, [c.req.valid('json')], { batch: false });
          return c.json({ id: id!, status: 'pending' as const }, 201);
        },
      )
      .openapi(
        createRoute({
          method: 'post',
          path: '/queue/batch',
          summary: 'Queue several documents at once: all of them, or none',
          request: jsonBody(QueueBatchInputSchema),
          responses: { 201: json(BatchCreatedSchema, 'queued as pending'), ...ErrorResponses },
        }),
        async (c) => c.json({ ids: await queueDocuments(deps.pool, c.req.valid('json').items, { batch: true }) }, 201),
      )
      .openapi(
        createRoute({
          method: 'get',
          path: '/queue',
          summary: 'A page of queue items, newest first',
          request: { query: QueueQuerySchema },
          responses: { 200: json(QueuePageSchema, 'a page'), ...ErrorResponses },
        }),
        async (c) => {
          const { status, limit, cursor } = c.req.valid('query');
          const items = await listQueueItems(deps.pool, { status, limit, after: cursor ? decodeCursor(cursor) : undefined });
          const last = items.at(-1);
          const next = items.length === limit && last ? encodeCursor(last.created_at, last.id) : null;
          return c.json({ items, next_cursor: next }, 200);
        },
      )
      // Before /queue/{id}: routes match in the order they are added.
      .openapi(
        createRoute({
          method: 'get',
          path: '/queue/count',
          summary: 'How many items there are, or how many have a status (e.g. the review badge: status=needs_review)',
          request: { query: QueueCountQuerySchema },
          responses: { 200: json(QueueCountSchema, 'the count'), ...ErrorResponses },
        }),
        async (c) => c.json({ count: await countQueueItems(deps.pool, c.req.valid('query').status) }, 200),
      )
      .openapi(
        createRoute({
          method: 'get',
          path: '/queue/{id}',
          summary: 'One item: status, stages, result, usage and accuracy',
          request: { params: IdParams },
          responses: { 200: json(ItemDetailSchema, 'the item'), ...ErrorResponses },
        }),
        async (c) => {
          const { id } = c.req.valid('param');
          const detail = await itemDetail(deps, id);
          if (!detail) throw new NotFoundError(`queue item ${id}`);
          return c.json(detail, 200);
        },
      )
      .openapi(
        createRoute({
          method: 'post',
          path: '/queue/process',
          summary: 'Start the extraction runs of several items with one configuration',
          description:
            'The server starts every run, so the batch goes on whatever happens to the client. A configuration that is ' +
            'unknown or names an unknown model refuses the whole batch; an item that cannot start (not found, its run ' +
            'still active) is listed under `failed` with its reason while the others start.',
          request: jsonBody(ProcessBatchBodySchema),
          responses: { 202: json(ProcessBatchResultSchema, 'the runs started, and the items that did not start'), ...ErrorResponses },
        }),
        async (c) => {
          const { ids, configuration } = c.req.valid('json');
          return c.json(await processItems(deps, ids, configuration), 202);
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
          return c.json(await startExtraction(deps, c.req.valid('param').id, config, configurationId), 202);
        },
      )
      .openapi(
        createRoute({
          method: 'post',
          path: '/queue/{id}/cancel',
          summary: 'Cancel the active run of an item, or a pending item',
          request: { params: IdParams },
          responses: { 202: json(CancelledSchema, 'cancelling'), ...ErrorResponses },
        }),
        async (c) => c.json(await cancelItem(deps, c.req.valid('param').id), 202),
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
          responses: { 202: json(RetryStartedSchema, 'the run started'), ...ErrorResponses },
        }),
        async (c) => {
          const body: z.infer<typeof RetryBodySchema> = c.req.header('content-type')?.includes('application/json') ? c.req.valid('json') : {};
          const started = await retryItem(deps, c.req.valid('param').id, {
            fromStage: body.from_stage,
            configuration: body.configuration,
            configurationId: body.configuration_id,
          });
          return c.json(started, 202);
        },
      )
  );
}
