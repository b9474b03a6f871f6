import { z } from 'zod';
import { ACTIVE_STATUSES, ITEM_STATUSES, type ItemStatus } from '../contract/item-status.ts';
import { RunConfigSchema } from '../contract/model-config.ts';
import { ItemResultSchema } from '../contract/item-detail.ts';
import { DataSchema, QueueItemSummarySchema, type QueueItemSummary } from '../contract/queue.ts';
import type { Pool, PoolClient } from './pool.ts';
import { nullableNumeric, parseFirst, parseRows, timestamp } from './rows.ts';

export { ACTIVE_STATUSES, ITEM_STATUSES, type ItemStatus };

export interface NewQueueItem {
  /** The stored upload (db/documents.ts); the item's run reads it into `document_text`. */
  documentId: string;
  /** Text sent as text needs no reading: it is the item's text (and preview) from the start. */
  text?: string | undefined;
  mimeType: string;
  filename: string | null;
  bytes: number;
  /** The schema as the client gave it (it was checked when the request was read). */
  schema: Record<string, unknown>;
  expected: Record<string, unknown> | null;
  metadata: Record<string, unknown>;
}

export const QueueItemRowSchema = z.object({
  id: z.string(),
  status: z.enum(ITEM_STATUSES),
  document_text: z.string(),
  document_id: z.string().nullable(),
  document_mime_type: z.string(),
  document_filename: z.string().nullable(),
  document_bytes: z.number(),
  /** As the client gave it; `parseExtractionSchema` reads it. */
  extraction_schema: z.record(z.string(), z.unknown()),
  expected: DataSchema.nullable(),
  metadata: z.record(z.string(), z.unknown()),
  model_config: RunConfigSchema.nullable(),
  configuration_id: z.string().nullable(),
  workflow_id: z.string().nullable(),
  run_id: z.string().nullable(),
  current_stage: z.string().nullable(),
  result: ItemResultSchema.nullable(),
  accuracy: nullableNumeric,
  error: z.string().nullable(),
  simulated: z.boolean().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  started_at: timestamp.nullable(),
  finished_at: timestamp.nullable(),
});
export type QueueItemRow = z.infer<typeof QueueItemRowSchema>;

const IdRowSchema = z.object({ id: z.string() });

/** Inserts several items in one statement: all of them land, or none. */
export async function insertQueueItems(client: Pool | PoolClient, items: NewQueueItem[]): Promise<string[]> {
  const result = await client.query(
    `INSERT INTO ai_extraction_queue
       (document_id, document_text, document_mime_type, document_filename, document_bytes, extraction_schema, expected, metadata)
     SELECT document_id, coalesce(text, ''), mime, filename, bytes, extraction_schema, expected, metadata
       FROM unnest($1::uuid[], $8::text[], $2::text[], $3::text[], $4::int[], $5::jsonb[], $6::jsonb[], $7::jsonb[])
            WITH ORDINALITY AS t(document_id, text, mime, filename, bytes, extraction_schema, expected, metadata, n)
      ORDER BY n
     RETURNING id`,
    [
      items.map((item) => item.documentId),
      items.map((item) => item.mimeType),
      items.map((item) => item.filename),
      items.map((item) => item.bytes),
      items.map((item) => JSON.stringify(item.schema)),
      items.map((item) => (item.expected === null ? null : JSON.stringify(item.expected))),
      items.map((item) => JSON.stringify(item.metadata)),
      items.map((item) => item.text ?? null),
    ],
  );
  return parseRows(IdRowSchema, result.rows, 'insertQueueItems').map((row) => row.id);
}

/** One item; `lock` takes its row lock, for a transaction that changes it depending on what it reads. */
export async function getQueueItem(client: Pool | PoolClient, id: string, lock = false): Promise<QueueItemRow | undefined> {
  const result = await client.query(`SELECT * FROM ai_extraction_queue WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return parseFirst(QueueItemRowSchema, result.rows, 'getQueueItem');
}

/** Which of `ids` are items of the queue. */
export async function existingItemIds(pool: Pool, ids: readonly string[]): Promise<Set<string>> {
  const result = await pool.query('SELECT id FROM ai_extraction_queue WHERE id = ANY($1::uuid[])', [ids]);
  return new Set(parseRows(IdRowSchema, result.rows, 'existingItemIds').map((row) => row.id));
}

const SummaryRowSchema = QueueItemSummarySchema.extend({ accuracy: nullableNumeric });

/**
 * A page of items, newest first. The cursor is the last row's (created_at, id), so pages stay stable
 * while new items arrive.
 */
export async function listQueueItems(
  pool: Pool,
  options: { status?: ItemStatus | undefined; limit: number; after?: { createdAt: string; id: string } | undefined },
): Promise<QueueItemSummary[]> {
  const conditions: string[] = [];
  const values: unknown[] = [];
  if (options.status) {
    values.push(options.status);
    conditions.push(`status = $${values.length}`);
  }
  if (options.after) {
    values.push(options.after.createdAt, options.after.id);
    conditions.push(`(created_at, id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
  }
  values.push(options.limit);
  const result = await pool.query(
    `SELECT id, status, extraction_schema->>'name' AS schema_name, document_filename,
            left(document_text, 160) AS document_preview, expected IS NOT NULL AS labelled, configuration_id,
            workflow_id, current_stage, accuracy, error,
            to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at,
            to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS updated_at
       FROM ai_extraction_queue
      ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC
      LIMIT $${values.length}`,
    values,
  );
  return parseRows(SummaryRowSchema, result.rows, 'listQueueItems');
}

const CountRowSchema = z.object({ n: z.number() });

/** How many items there are, or how many have `status` (the review badge's count). */
export async function countQueueItems(pool: Pool, status?: ItemStatus): Promise<number> {
  const result = status
    ? await pool.query('SELECT count(*)::int AS n FROM ai_extraction_queue WHERE status = $1', [status])
    : await pool.query('SELECT count(*)::int AS n FROM ai_extraction_queue');
  return parseFirst(CountRowSchema, result.rows, 'countQueueItems')?.n ?? 0;
}

export async function setItemStatus(
  client: Pool | PoolClient,
  id: string,
  status: ItemStatus,
  extra: { error?: string | null; currentStage?: string | null } = {},
): Promise<void> {
  await client.query(
    `UPDATE ai_extraction_queue
        SET status = $2, updated_at = now(),
            error = CASE WHEN $3::boolean THEN $4 ELSE error END,
            current_stage = CASE WHEN $5::boolean THEN $6 ELSE current_stage END,
            finished_at = CASE WHEN $2 IN ('completed', 'failed', 'cancelled') THEN now() ELSE finished_at END
      WHERE id = $1`,
    [id, status, 'error' in extra, extra.error ?? null, 'currentStage' in extra, extra.currentStage ?? null],
  );
}
