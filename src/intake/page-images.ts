import type { DocumentRow } from '../db/documents.ts';
import { storedPageImage, storePageImage, type StoredPageImage } from '../db/page-images.ts';
import type { Pool } from '../db/pool.ts';
import { DRAWN_FORMATS } from '../contract/documents.ts';
import { pageImage } from '../documents/page-image.ts';
import { documentStore } from './document-store.ts';

/**
 * A page of a stored upload as a PNG: a PDF page drawn by pdf.js at the viewer's resolution
 * (144 DPI), an image page as the image itself. Drawn from the upload the first time it is asked
 * for and kept, so the viewer and the vision models that look at it later read it back. Undefined
 * for a page the document does not have, or a format without drawn pages (text, HTML, DOCX).
 */
export async function pageImageOf(pool: Pool, documentsDir: string | undefined, document: DocumentRow, page: number): Promise<StoredPageImage | undefined> {
  if (!DRAWN_FORMATS.includes(document.format)) return undefined;
  if (document.page_count !== null && page > document.page_count) return undefined;
  const stored = await storedPageImage(pool, document.id, page);
  if (stored) return stored;
  const content = await documentStore(pool, documentsDir).read(document);
  const drawn = await pageImage(content, document.format, page);
  if (!drawn) return undefined;
  await storePageImage(pool, document.id, page, drawn);
  return drawn;
}
