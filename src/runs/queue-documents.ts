import type { Settings } from '../config/environment.ts';
import type { QueueItemInput } from '../contract/queue.ts';
import { parseExtractionSchema } from '../contract/schema/parse-schema.ts';
import { insertDocuments, type NewDocument } from '../db/documents.ts';
import { inTransaction, type Pool } from '../db/pool.ts';
import { insertQueueItems } from '../db/queue-items.ts';
import { documentStore } from '../intake/document-store.ts';
import { acceptUpload, UploadRejectedError } from '../intake/upload.ts';
import { checkSchemaBudget } from '../pipeline/structured-output/schema-budget.ts';
import { InvalidRequestError } from './errors.ts';

type Item = Omit<QueueItemInput, 'document'> & { document: NewDocument; text?: string };

/**
 * Queues documents as they came: each upload is checked (what it is, how large) and stored with its
 * item, all in one transaction, so every item lands or none does; nothing is read here — the item's
 * run reads it. An upload that is refused is named by where it is (`document`, or
 * `items.<n>.document` in a batch), with the formats Quarry accepts.
 */
export async function queueDocuments(
  deps: { pool: Pool; settings: Pick<Settings, 'QUARRY_DOCUMENTS_DIR' | 'QUARRY_MAX_DOCUMENT_BYTES'> },
  inputs: readonly QueueItemInput[],
  options: { batch: boolean },
): Promise<string[]> {
  inputs.forEach((input, index) => checkBudget(input.schema, options.batch ? `items.${index}.schema` : 'schema'));
  const items = inputs.map((input, index): Item => {
    try {
      const document = acceptUpload(input.document, deps.settings.QUARRY_MAX_DOCUMENT_BYTES);
      // Pasted text is its own text: the queue lists and searches it before any run reads it.
      return { ...input, document, ...('text' in input.document ? { text: document.content!.toString('utf8').replace(/\r\n?/g, '\n') } : {}) };
    } catch (error) {
      if (error instanceof UploadRejectedError) throw new InvalidRequestError(error.code, `${options.batch ? `items.${index}.document` : 'document'}: ${error.message}`);
      throw error;
    }
  });
  return storeItems(deps.pool, deps.settings.QUARRY_DOCUMENTS_DIR, items);
}

/** Stores accepted uploads and their items (also for `quarry bench`, which queues its own). */
export async function storeItems(pool: Pool, documentsDir: string | undefined, items: readonly Item[]): Promise<string[]> {
  // Files first: a file without a row is harmless (content-named, and shared by identical uploads),
  // a row without its file is not.
  const documents = await documentStore(pool, documentsDir).keep(items.map((item) => item.document));
  return inTransaction(pool, async (client) => {
    const documentIds = await insertDocuments(client, documents);
    return insertQueueItems(
      client,
      items.map((item, index) => ({
        documentId: documentIds[index]!,
        text: item.text,
        mimeType: item.document.mimeType,
        filename: item.document.filename,
        bytes: item.document.sizeBytes,
        schema: item.schema,
        expected: item.expected ?? null,
        metadata: item.metadata ?? {},
      })),
    );
  });
}

/**
 * Refuses, before anything is stored, a schema whose answers would exceed what the providers'
 * structured output takes (OpenAI strict mode's published limits): every run of it would fail.
 */
function checkBudget(schema: Record<string, unknown>, where: string): void {
  const issues = checkSchemaBudget(parseExtractionSchema(schema).root);
  if (issues.length === 0) return;
  const details = issues.map((issue) => ({ path: where, data_path: issue.path, message: issue.message }));
  throw new InvalidRequestError('schema_over_budget', `${where}: ${issues.map((issue) => `${issue.path || '(schema)'}: ${issue.message}`).join('; ')}`, details);
}
