import { DOCUMENT_FORMATS, DRAWN_FORMATS, type DocumentFormat, type ItemDocument } from '../contract/documents.ts';
import { storedPages } from '../db/document-pages.ts';
import { documentOfItem } from '../db/documents.ts';
import type { StoredPageImage } from '../db/page-images.ts';
import { DocumentReadError } from '../documents/document-errors.ts';
import type { Pool } from '../db/pool.ts';
import { getQueueItem } from '../db/queue-items.ts';
import { pageImageOf } from '../intake/page-images.ts';
import { NotFoundError } from './errors.ts';

interface Deps {
  pool: Pool;
  settings: { QUARRY_DOCUMENTS_DIR?: string | undefined };
}

/**
 * An item's document as `GET /queue/{id}/document` shows it: the upload's facts and the pages its
 * runs read (none until the first run reads it). An item queued before uploads were kept had its
 * text read at intake: it shows as that one page.
 */
export async function itemDocument(deps: Deps, itemId: string): Promise<ItemDocument> {
  const document = await documentOfItem(deps.pool, itemId);
  if (!document) return legacyDocument(deps, itemId);
  const pages = await storedPages(deps.pool, document.id);
  return {
    mime_type: document.mime_type,
    format: document.format,
    filename: document.filename,
    size_bytes: document.size_bytes,
    sha256: document.sha256,
    status: document.status,
    page_count: document.page_count,
    has_page_images: DRAWN_FORMATS.includes(document.format),
    // Pages stored by a reading that has not finished are not the document yet.
    pages: document.status === 'read' ? pages : [],
  };
}

async function legacyDocument(deps: Deps, itemId: string): Promise<ItemDocument> {
  const item = await getQueueItem(deps.pool, itemId);
  if (!item) throw new NotFoundError(`queue item ${itemId}`);
  const format = (Object.keys(DOCUMENT_FORMATS) as DocumentFormat[]).find((name) => DOCUMENT_FORMATS[name].mimeType === item.document_mime_type) ?? 'text';
  return {
    mime_type: item.document_mime_type,
    format,
    filename: item.document_filename,
    size_bytes: item.document_bytes,
    sha256: null,
    status: 'read',
    page_count: 1,
    has_page_images: false,
    pages: [{ page: 1, text: item.document_text, ocr: false, width: null, height: null, confidence: null, read_ms: null }],
  };
}

/** Page `page` of an item's document as a PNG (`GET /queue/{id}/document/pages/{n}.png`). */
export async function itemPageImage(deps: Deps, itemId: string, page: number): Promise<StoredPageImage> {
  const document = await documentOfItem(deps.pool, itemId);
  if (!document) {
    if (!(await getQueueItem(deps.pool, itemId))) throw new NotFoundError(`queue item ${itemId}`);
    throw new NotFoundError(`an image of page ${page}`, { reason: 'the item was queued as text' });
  }
  if (!DRAWN_FORMATS.includes(document.format)) throw new NotFoundError(`an image of page ${page}`, { reason: `a ${DOCUMENT_FORMATS[document.format].label} document has no drawn pages` });
  const image = await pageImageOf(deps.pool, deps.settings.QUARRY_DOCUMENTS_DIR, document, page).catch((error: unknown) => {
    // The upload cannot be drawn (its run fails for the same reason): there is no such image.
    if (error instanceof DocumentReadError) throw new NotFoundError(`an image of page ${page}`, { reason: error.message }, { cause: error });
    throw error;
  });
  if (!image) throw new NotFoundError(`page ${page} of the document`, { page_count: document.page_count });
  return image;
}
