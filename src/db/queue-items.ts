import type { ExtractionSchema } from '../domain/extraction-schema.ts';
import type { ModelConfig } from '../contract/model-config.ts';
import type { Pool, PoolClient } from './pool.ts';
import { toNumber } from './pool.ts';

export const ITEM_STATUSES = ['pending', 'queued', 'running', 'needs_review', 'completed', 'failed', 'cancelled'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
/** Statuses during which a workflow run owns the item. */
export const ACTIVE_STATUSES: readonly ItemStatus[] = ['queued', 'running', 'needs_review'];

export interface NewQueueItem {
  text: string;
  mimeType: string;
  filename: string | null;
  bytes: number;
  schema: ExtractionSchema;
  expected: Record<string, unknown> | null;
  metadata: Record<string, unknown>;
}

export interface QueueItemRow {
  id: string;
  status: ItemStatus;
  document_text: string;
  document_mime_type: string;
  document_filename: string | null;
  document_bytes: number;
  extraction_schema: ExtractionSchema;
  expected: Record<string, unknown> | null;
  metadata: Record<string, unknown>;
  model_config: (ModelConfig & { configuration_id?: string }) | null;
  configuration_id: string | null;
  workflow_id: string | null;
  run_id: string | null;
  current_stage: string | null;
  result: unknown;
  accuracy: number | null;
  error: string | null;
  simulated: boolean | null;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** Inserts several items in one transaction: all of them land, or none. */
export async function insertQueueItems(client: Pool | PoolClient, items: NewQueueItem[]): Promise<string[]> {
  const result = await client.query<{ id: string }>(
    `INSERT INTO ai_extraction_queue
       (document_text, document_mime_type, document_filename, document_bytes, extraction_schema, expected, metadata)
     SELECT text, mime, filename, bytes, extraction_schema, expected, metadata
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::jsonb[], $6::jsonb[], $7::jsonb[])
            WITH ORDINALITY AS t(text, mime, filename, bytes, extraction_schema, expected, metadata, n)
      ORDER BY n
     RETURNING id`,
    [
      items.map((item) => item.text),
      items.map((item) => item.mimeType),
      items.map((item) => item.filename),
      items.map((item) => item.bytes),
      items.map((item) => JSON.stringify(item.schema)),
      items.map((item) => (item.expected === null ? null : JSON.stringify(item.expected))),
      items.map((item) => JSON.stringify(item.metadata)),
    ],
  );
  return result.rows.map((row) => row.id);
}

export async function getQueueItem(client: Pool | PoolClient, id: string, lock = false): Promise<QueueItemRow | undefined> {
  const result = await client.query(`SELECT * FROM ai_extraction_queue WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  const row = result.rows[0] as (Omit<QueueItemRow, 'accuracy'> & { accuracy: string | null }) | undefined;
  return row && { ...row, accuracy: toNumber(row.accuracy) };
}

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

/**
 * A page of items, newest first. The cursor is the last row's (created_at, id), so pages stay stable
 * while new items arrive.
 */
export async function listQueueItems(
  pool: Pool,
  options: { status?: ItemStatus; limit: number; after?: { createdAt: string; id: string } },
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
  return result.rows.map((row: QueueItemSummary & { accuracy: string | null }) => ({ ...row, accuracy: toNumber(row.accuracy) }));
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
