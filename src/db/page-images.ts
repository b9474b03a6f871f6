import { z } from 'zod';
import type { Pool, PoolClient } from './pool.ts';
import { parseFirst } from './rows.ts';

/*
 * Page images drawn from an upload (`document_page_images`), kept after the first time a viewer or a
 * vision model needs them: drawing a PDF page takes a few hundred milliseconds, reading it back none.
 */

export interface StoredPageImage {
  png: Buffer;
  width: number;
  height: number;
}

const ImageRowSchema = z.object({ png: z.instanceof(Buffer), width: z.number().int(), height: z.number().int() });

export async function storedPageImage(client: Pool | PoolClient, documentId: string, page: number): Promise<StoredPageImage | undefined> {
  const result = await client.query('SELECT png, width, height FROM document_page_images WHERE document_id = $1 AND page = $2', [documentId, page]);
  return parseFirst(ImageRowSchema, result.rows, 'storedPageImage');
}

/** Keeps a drawn page; drawing the same page twice (two viewers at once) keeps the first. */
export async function storePageImage(client: Pool | PoolClient, documentId: string, page: number, image: StoredPageImage): Promise<void> {
  await client.query(
    `INSERT INTO document_page_images (document_id, page, png, width, height) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (document_id, page) DO NOTHING`,
    [documentId, page, image.png, image.width, image.height],
  );
}
