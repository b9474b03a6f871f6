import { z } from 'zod';
import type { Box, DocumentPage } from '../documents/document-page.ts';
import type { Pool, PoolClient } from './pool.ts';
import { numeric, parseFirst, parseRows } from './rows.ts';

/*
 * The pages a run read from a document (`document_pages`), one row each, stored as they are read.
 * Word boxes are kept compact — `[start, end, left, top, right, bottom, confidence]` — since a dense
 * page has hundreds of words and a long document hundreds of pages.
 */

/** Between pages of the joined text that the stages read: a blank line, as the text of a PDF always had. */
export const PAGE_SEPARATOR = '\n\n';

type CompactWord = [number, number, number, number, number, number, number | null];

const round = (value: number) => Math.round(value * 100) / 100;

/**
 * A word whose box is not a number (pdf.js gives NaN for some glyph runs, e.g. on page 1 of
 * ExtractBench's flashattention-3 paper) has no place on the page: it is kept in the text, not as a box.
 */
function compactWords(page: DocumentPage): CompactWord[] {
  return page.words
    .filter((word) => word.box.every(Number.isFinite))
    .map((word) => [word.start, word.end, ...(word.box.map(round) as [number, number, number, number]), word.confidence ?? null]);
}

/** Pages stored before such words were left out hold them with null coordinates; they are dropped as they are read. */
const Coordinate = z.number().nullable();
const CompactWordSchema = z.tuple([z.number(), z.number(), Coordinate, Coordinate, Coordinate, Coordinate, z.number().nullable()]);

const PageRowSchema = z.object({
  page: z.number().int(),
  text: z.string(),
  ocr: z.boolean(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  confidence: z.number().nullable(),
  read_ms: z.number().int().nullable(),
});
export type StoredPage = z.infer<typeof PageRowSchema>;

const PageWithWordsSchema = PageRowSchema.extend({ words: z.array(CompactWordSchema) }).transform(
  (row): DocumentPage & { read_ms: number | null } => ({
    page: row.page,
    text: row.text,
    ocr: row.ocr,
    width: row.width,
    height: row.height,
    ...(row.confidence === null ? {} : { confidence: row.confidence }),
    read_ms: row.read_ms,
    words: row.words.flatMap(([start, end, left, top, right, bottom, confidence]) =>
      left === null || top === null || right === null || bottom === null ? [] : [{ start, end, box: [left, top, right, bottom] as Box, ...(confidence === null ? {} : { confidence }) }],
    ),
  }),
);

/** Keeps one page as read; a page read again (an attempt that resumed from it) replaces it. */
export async function storePage(client: Pool | PoolClient, documentId: string, page: DocumentPage, readMs: number): Promise<void> {
  await client.query(
    `INSERT INTO document_pages (document_id, page, text, ocr, width, height, confidence, words, read_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (document_id, page) DO UPDATE
       SET text = EXCLUDED.text, ocr = EXCLUDED.ocr, width = EXCLUDED.width, height = EXCLUDED.height,
           confidence = EXCLUDED.confidence, words = EXCLUDED.words, read_ms = EXCLUDED.read_ms`,
    // PostgreSQL text cannot hold NUL.
    [documentId, page.page, page.text.replaceAll('\u0000', ''), page.ocr, page.width, page.height, page.confidence ?? null, JSON.stringify(compactWords(page)), Math.round(readMs)],
  );
}

const CountRowSchema = z.object({ n: numeric });

/** How many pages of the document are stored. Pages are stored in order, so these are pages 1 to n. */
export async function storedPageCount(client: Pool | PoolClient, documentId: string): Promise<number> {
  const result = await client.query('SELECT count(*) AS n FROM document_pages WHERE document_id = $1', [documentId]);
  return parseFirst(CountRowSchema, result.rows, 'storedPageCount')?.n ?? 0;
}

/** The stored pages in order, without their word boxes (what a viewer lists). */
export async function storedPages(client: Pool | PoolClient, documentId: string): Promise<StoredPage[]> {
  const result = await client.query(
    'SELECT page, text, ocr, width, height, confidence, read_ms FROM document_pages WHERE document_id = $1 ORDER BY page',
    [documentId],
  );
  return parseRows(PageRowSchema, result.rows, 'storedPages');
}

/** The stored pages in order with their word boxes (what locating a value on its page needs). */
export async function storedPagesWithWords(client: Pool | PoolClient, documentId: string): Promise<Array<DocumentPage & { read_ms: number | null }>> {
  const result = await client.query(
    'SELECT page, text, ocr, width, height, confidence, read_ms, words FROM document_pages WHERE document_id = $1 ORDER BY page',
    [documentId],
  );
  return parseRows(PageWithWordsSchema, result.rows, 'storedPagesWithWords');
}

/** A read document, measured: what the workflow is told about it. */
export interface ReadFigures {
  pages: number;
  characters: number;
  ocrPages: number;
  /** Time spent on the pages read by OCR, in all. */
  ocrMs: number;
  readMs: number;
}

const JoinedPagesRowSchema = z.object({ characters: z.number(), pages: numeric, ocr_pages: numeric, ocr_ms: numeric, read_ms: numeric });

/**
 * Writes the document's pages, joined, into the item's `document_text` (what the stages read) and
 * returns the document's figures; undefined when the item is gone.
 */
export async function joinPagesIntoItem(client: Pool | PoolClient, itemId: string, documentId: string): Promise<ReadFigures | undefined> {
  const result = await client.query(
    `WITH pages AS (SELECT * FROM document_pages WHERE document_id = $2),
          joined AS (SELECT coalesce(string_agg(text, $3 ORDER BY page), '') AS text FROM pages)
     UPDATE ai_extraction_queue q SET document_text = joined.text, updated_at = now()
       FROM joined
      WHERE q.id = $1
     RETURNING length(q.document_text) AS characters,
               (SELECT count(*) FROM pages) AS pages,
               (SELECT count(*) FROM pages WHERE ocr) AS ocr_pages,
               (SELECT coalesce(sum(read_ms) FILTER (WHERE ocr), 0) FROM pages) AS ocr_ms,
               (SELECT coalesce(sum(read_ms), 0) FROM pages) AS read_ms`,
    [itemId, documentId, PAGE_SEPARATOR],
  );
  const row = parseFirst(
    JoinedPagesRowSchema,
    result.rows,
    'joinPagesIntoItem',
  );
  return row && { pages: row.pages, characters: row.characters, ocrPages: row.ocr_pages, ocrMs: row.ocr_ms, readMs: row.read_ms };
}

const PageTextRowSchema = z.object({ page: z.number().int(), text: z.string() });

/** The text of pages `from` to `to` in order (what one chunk of a long document's extraction reads). */
export async function pageTexts(client: Pool | PoolClient, documentId: string, range?: { from: number; to: number }): Promise<Array<{ page: number; text: string }>> {
  const result = await client.query(
    `SELECT page, text FROM document_pages WHERE document_id = $1 AND page BETWEEN $2 AND $3 ORDER BY page`,
    [documentId, range?.from ?? 1, range?.to ?? 2_147_483_647],
  );
  return parseRows(PageTextRowSchema, result.rows, 'pageTexts');
}
