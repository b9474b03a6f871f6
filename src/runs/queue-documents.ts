import type { QueueItemInput } from '../contract/queue.ts';
import type { Pool } from '../db/pool.ts';
import { insertQueueItems, type NewQueueItem } from '../db/queue-items.ts';
import { DocumentRejectedError, documentText } from '../intake/document-text.ts';
import { InvalidRequestError } from './errors.ts';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Reads each document and queues them all in one statement: every item lands, or none. A document
 * that cannot be read is refused with where it is (`document`, or `items.<n>.document` in a batch).
 */
export async function queueDocuments(pool: Pool, inputs: readonly QueueItemInput[], options: { batch: boolean }): Promise<string[]> {
  const items = await Promise.all(inputs.map((input, index) => toNewItem(input, options.batch ? `items.${index}.document` : 'document')));
  return insertQueueItems(pool, items);
}

async function toNewItem(input: QueueItemInput, where: string): Promise<NewQueueItem> {
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
    if (error instanceof DocumentRejectedError) throw new InvalidRequestError(error.code, `${where}: ${error.message}`);
    throw error;
  }
}
