import { z } from 'zod';
import { DOCUMENT_FORMAT_NAMES, DOCUMENT_STATUSES } from '../contract/documents.ts';
import type { Pool, PoolClient } from './pool.ts';
import { numeric, parseFirst, parseRows, timestamp } from './rows.ts';

/*
 * Uploads as they came (the `documents` table): stored at intake, read by the item's run. The bytes
 * are in `content` or, with a documents directory, in a file named by their SHA-256.
 */

export interface NewDocument {
  format: (typeof DOCUMENT_FORMAT_NAMES)[number];
  mimeType: string;
  declaredMimeType: string | null;
  filename: string | null;
  sizeBytes: number;
  sha256: string;
  /** The bytes, or null when they were written to the documents directory. */
  content: Buffer | null;
}

const DocumentRowSchema = z.object({
  id: z.string(),
  format: z.enum(DOCUMENT_FORMAT_NAMES as [string, ...string[]]).transform((format) => format as NewDocument['format']),
  mime_type: z.string(),
  declared_mime_type: z.string().nullable(),
  filename: z.string().nullable(),
  size_bytes: numeric,
  sha256: z.string(),
  storage: z.enum(['database', 'directory']),
  status: z.enum(DOCUMENT_STATUSES),
  page_count: z.number().int().nullable(),
  error: z.string().nullable(),
  read_at: timestamp.nullable(),
});
export type DocumentRow = z.infer<typeof DocumentRowSchema>;

const COLUMNS = 'd.id, d.format, d.mime_type, d.declared_mime_type, d.filename, d.size_bytes, d.sha256, d.storage, d.status, d.page_count, d.error, d.read_at';

const IdRowSchema = z.object({ id: z.string() });

/** Stores uploads in one statement, in order; their ids in the same order. */
export async function insertDocuments(client: Pool | PoolClient, documents: readonly NewDocument[]): Promise<string[]> {
  const result = await client.query(
    `INSERT INTO documents (format, mime_type, declared_mime_type, filename, size_bytes, sha256, content, storage)
     SELECT format, mime, declared, filename, size, sha256, content, CASE WHEN content IS NULL THEN 'directory' ELSE 'database' END
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::bytea[])
            WITH ORDINALITY AS t(format, mime, declared, filename, size, sha256, content, n)
      ORDER BY n
     RETURNING id`,
    [
      documents.map((document) => document.format),
      documents.map((document) => document.mimeType),
      documents.map((document) => document.declaredMimeType),
      documents.map((document) => document.filename),
      documents.map((document) => document.sizeBytes),
      documents.map((document) => document.sha256),
      documents.map((document) => document.content),
    ],
  );
  return parseRows(IdRowSchema, result.rows, 'insertDocuments').map((row) => row.id);
}

/** The document of a queue item; undefined when the item has none (queued before durable intake) or is gone. */
export async function documentOfItem(client: Pool | PoolClient, itemId: string): Promise<DocumentRow | undefined> {
  const result = await client.query(`SELECT ${COLUMNS} FROM ai_extraction_queue q JOIN documents d ON d.id = q.document_id WHERE q.id = $1`, [itemId]);
  return parseFirst(DocumentRowSchema, result.rows, 'documentOfItem');
}

export async function getDocument(client: Pool | PoolClient, documentId: string): Promise<DocumentRow | undefined> {
  const result = await client.query(`SELECT ${COLUMNS} FROM documents d WHERE d.id = $1`, [documentId]);
  return parseFirst(DocumentRowSchema, result.rows, 'getDocument');
}

const ContentRowSchema = z.object({ content: z.instanceof(Buffer).nullable() });

/** The bytes of a document stored in PostgreSQL; undefined for one kept in the documents directory. */
export async function documentContent(client: Pool | PoolClient, documentId: string): Promise<Buffer | undefined> {
  const result = await client.query('SELECT content FROM documents WHERE id = $1', [documentId]);
  return parseFirst(ContentRowSchema, result.rows, 'documentContent')?.content ?? undefined;
}

/**
 * Takes (or renews) the right to read a document for `reader` until `ms` from now, unless another
 * reader holds it and has not let it lapse, or the document is read already: whether it was taken.
 */
export async function takeReadingLease(client: Pool | PoolClient, documentId: string, reader: string, ms: number): Promise<boolean> {
  const result = await client.query(
    `UPDATE documents SET reader = $2, reader_until = now() + $3 * interval '1 millisecond'
      WHERE id = $1 AND status <> 'read' AND (reader IS NULL OR reader = $2 OR reader_until < now())
      RETURNING id`,
    [documentId, reader, ms],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Every page is stored: the document is read. */
export async function markDocumentRead(client: Pool | PoolClient, documentId: string, pageCount: number): Promise<void> {
  await client.query(`UPDATE documents SET status = 'read', page_count = $2, error = NULL, read_at = now(), reader = NULL, reader_until = NULL WHERE id = $1`, [documentId, pageCount]);
}

/** The document cannot be read, for good: the same bytes would fail the same way. */
export async function markDocumentFailed(client: Pool | PoolClient, documentId: string, error: string): Promise<void> {
  await client.query(`UPDATE documents SET status = 'failed', error = $2, reader = NULL, reader_until = NULL WHERE id = $1`, [documentId, error.slice(0, 4000)]);
}
