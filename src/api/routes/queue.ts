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
import { answers, createRouter, IdParams, jsonBody } from '../openapi.ts';

const PROCESS_BATCH =
  'The server starts every run, so the batch goes on whatever happens to the client. A configuration that is unknown or names an unknown ' +
  'model refuses the whole batch; an item that cannot start (not found, its run still active) is listed under `failed` with its reason ' +
  'while the others start.';
const RETRY =
  'Without a body the retry resumes from the first stage the last run did not finish, with the same configuration. `from_stage` resumes ' +
  'from an earlier stage (`classify` runs everything again); a new `configuration` or `configuration_id` applies to the stages that run again.';

export function queueRoutes(deps: ApiDependencies) {
  return (
    createRouter()
      .openapi(
        createRoute({ method: 'post', path: '/queue', summary: 'Queue one document', request: jsonBody(QueueItemInputSchema), responses: answers(201, ItemCreatedSchema, 'queued as pending') }),
        async (c) => {
          const [id] = await queueDocuments(deps, [c.req.valid('json')], { batch: false });
          return c.json({ id: id!, status: 'pending' as const }, 201);
        },
      )
      .openapi(
        createRoute({
          method: 'post',
          path: '/queue/batch',
          summary: 'Queue several documents at once: all of them, or none',
          request: jsonBody(QueueBatchInputSchema),
          responses: answers(201, BatchCreatedSchema, 'queued as pending'),
        }),
        async (c) => c.json({ ids: await queueDocuments(deps, c.req.valid('json').items, { batch: true }) }, 201),
      )
      .openapi(
        createRoute({ method: 'get', path: '/queue', summary: 'A page of queue items, newest first', request: { query: QueueQuerySchema }, responses: answers(200, QueuePageSchema, 'a page') }),
        async (c) => {
          const { status, limit, cursor } = c.req.valid('query');
          const items = await listQueueItems(deps.pool, { status, limit, after: cursor ? decodeCursor(cursor) : undefined });
          const last = items.at(-1);
          return c.json({ items, next_cursor: items.length === limit && last ? encodeCursor(last.created_at, last.id) : null }, 200);
        },
      )
      // Before /queue/{id}: routes match in the order they are added.
      .openapi(
        createRoute({
          method: 'get',
          path: '/queue/count',
          summary: 'How many items there are, or how many have a status (e.g. the review badge: status=needs_review)',
          request: { query: QueueCountQuerySchema },
          responses: answers(200, QueueCountSchema, 'the count'),
        }),
        async (c) => c.json({ count: await countQueueItems(deps.pool, c.req.valid('query').status) }, 200),
      )
      .openapi(
        createRoute({ method: 'get', path: '/queue/{id}', summary: 'One item: status, stages, result, usage and accuracy', request: { params: IdParams }, responses: answers(200, ItemDetailSchema, 'the item') }),
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
          description: PROCESS_BATCH,
          request: jsonBody(ProcessBatchBodySchema),
          responses: answers(202, ProcessBatchResultSchema, 'the runs started, and the items that did not start'),
        }),
        async (c) => c.json(await processItems(deps, c.req.valid('json').ids, c.req.valid('json').configuration), 202),
      )
      .openapi(
        createRoute({
          method: 'post',
          path: '/queue/process/{id}',
          summary: 'Start the extraction workflow of an item with a configuration',
          request: { params: IdParams, ...jsonBody(ProcessBodySchema) },
          responses: answers(202, StartedSchema, 'the run started'),
        }),
        async (c) => {
          const { config, configurationId } = await resolveConfiguration(deps, c.req.valid('json'));
          return c.json(await startExtraction(deps, c.req.valid('param').id, config, configurationId), 202);
        },
      )
      .openapi(
        createRoute({ method: 'post', path: '/queue/{id}/cancel', summary: 'Cancel the active run of an item, or a pending item', request: { params: IdParams }, responses: answers(202, CancelledSchema, 'cancelling') }),
        async (c) => c.json(await cancelItem(deps, c.req.valid('param').id), 202),
      )
      .openapi(
        createRoute({
          method: 'post',
          path: '/queue/{id}/retry',
          summary: 'Run a failed or cancelled item again, reusing the stages that finished',
          description: RETRY,
          request: { params: IdParams, body: { required: false, content: { 'application/json': { schema: RetryBodySchema } } } },
          responses: answers(202, RetryStartedSchema, 'the run started'),
        }),
        async (c) => {
          const body: z.infer<typeof RetryBodySchema> = c.req.header('content-type')?.includes('application/json') ? c.req.valid('json') : {};
          const request = { fromStage: body.from_stage, configuration: body.configuration, configurationId: body.configuration_id };
          return c.json(await retryItem(deps, c.req.valid('param').id, request), 202);
        },
      )
  );
}
