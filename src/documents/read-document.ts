import { detectFormat, type DeclaredType, type DocumentFormat } from './document-format.ts';
import { NoTextError } from './document-errors.ts';
import type { DocumentPage, ReadDocument } from './document-page.ts';
import { imagePages, type PageImage } from './image/image-pages.ts';
import { layoutPage } from './layout/page-layout.ts';
import { sharedOcrEngine, type OcrEngine, type OcrOptions } from './ocr/ocr-engine.ts';
import { ocrPage } from './ocr/ocr-page.ts';
import { openPdf, pdfError } from './pdf/open-pdf.ts';
import { imageCoverage, renderPdfPage } from './pdf/pdf-page-image.ts';
import { readTextLayer } from './pdf/pdf-text-layer.ts';
import { docxPages, htmlPages, plainTextPages } from './text/text-pages.ts';

/**
 * Pages are rendered at this resolution for OCR. On ExtractBench, 300 DPI read 98 % of a 10-Q
 * statement's words (small type) where 200 DPI read 79 %, for about 0.6 s more CPU on that page;
 * see scripts/bench-documents.ts.
 */
export const DEFAULT_OCR_DPI = 300;
/** A PDF page with fewer characters than this in its text layer is checked for being a scan… */
const SCAN_MAX_TEXT_CHARACTERS = 100;
/** …which it is when images cover at least this share of it (a stamp or page number over a scanned image). */
const SCAN_MIN_IMAGE_COVERAGE = 0.5;

export interface ReadDocumentOptions extends DeclaredType {
  /** Refuse documents over this many bytes (see `DEFAULT_MAX_DOCUMENT_BYTES`). */
  maxBytes?: number;
  /** OCR settings, or `false` to read text layers only (scans then yield empty pages). */
  ocr?: OcrOptions | false;
  /** The engine to use instead of the process's shared one for `ocr`. */
  ocrEngine?: OcrEngine;
  ocrDpi?: number;
  /**
   * Called with each page as soon as it is read, and the document's page count: an activity stores
   * the page and heartbeats here, since a long scan takes minutes.
   */
  onPage?: (page: DocumentPage, pages: number) => void | Promise<void>;
  /** Stops between pages (an activity's cancellation). */
  signal?: AbortSignal;
}

export interface ReadPagesOptions extends ReadDocumentOptions {
  /** Skip the pages before this one (1-based): they were read before, by an attempt that did not finish. */
  fromPage?: number;
}

export interface ReadPages extends Omit<ReadDocument, 'pages'> {
  /** The document's page count. */
  pageCount: number;
  /** The pages read, from `fromPage` on. */
  pages: DocumentPage[];
}

/**
 * Reads a document into pages of text in reading order with word boxes: PDF text layers laid out by
 * position, scanned PDF pages and PNG/JPEG/TIFF images by OCR on this machine, HTML, DOCX and text
 * as written. Throws a `DocumentReadError` a sender can act on: an unsupported or over-size upload,
 * an encrypted or corrupt file, or a document in which even OCR found no text.
 */
export async function readDocument(content: Uint8Array, options: ReadDocumentOptions = {}): Promise<ReadDocument> {
  const { format, mimeType, pages } = await readPages(content, options);
  assertHasText(pages);
  return { format, mimeType, pages };
}

/**
 * `readDocument` a page at a time, for a reader that keeps each page as it comes (`onPage`) and
 * resumes where an interrupted attempt stopped (`fromPage`). It does not check that the document
 * has text, since it may not see every page: the caller checks all of them with `assertHasText`.
 */
export async function readPages(content: Uint8Array, options: ReadPagesOptions = {}): Promise<ReadPages> {
  const { format, mimeType } = detectFormat(content, options, options.maxBytes);
  const fromPage = Math.max(1, options.fromPage ?? 1);
  const { pages, pageCount } = await pagesOf(content, format, fromPage, options);
  return { format, mimeType, pageCount, pages };
}

/** Throws the `NoTextError` a sender can act on when no page of a document holds any text. */
export function assertHasText(pages: readonly Pick<DocumentPage, 'text' | 'ocr'>[]): void {
  if (pages.some((page) => page.text.trim().length > 0)) return;
  const ocrPages = pages.filter((page) => page.ocr).length;
  const detail = ocrPages > 0 ? `; OCR found none on ${ocrPages === 1 ? 'its page' : `its ${ocrPages} pages`}` : '';
  throw new NoTextError(`the document has no text${detail}`);
}

type PageRun = { pages: DocumentPage[]; pageCount: number };

async function pagesOf(content: Uint8Array, format: DocumentFormat, fromPage: number, options: ReadDocumentOptions): Promise<PageRun> {
  switch (format) {
    case 'pdf':
      return pdfPages(content, fromPage, options);
    case 'png':
    case 'jpeg':
    case 'tiff':
      return scannedImagePages(await imagePages(content, format), fromPage, options);
    case 'html':
      return textFormatPages(htmlPages(content), fromPage, options);
    case 'docx':
      return textFormatPages(await docxPages(content), fromPage, options);
    case 'text':
      return textFormatPages(plainTextPages(content), fromPage, options);
  }
}

async function textFormatPages(all: DocumentPage[], fromPage: number, options: ReadDocumentOptions): Promise<PageRun> {
  const pages = all.filter((page) => page.page >= fromPage);
  for (const page of pages) await options.onPage?.(page, all.length);
  return { pages, pageCount: all.length };
}

async function pdfPages(content: Uint8Array, fromPage: number, options: ReadDocumentOptions): Promise<PageRun> {
  const pdf = await openPdf(content);
  const dpi = options.ocrDpi ?? DEFAULT_OCR_DPI;
  try {
    const pages: DocumentPage[] = [];
    for (let number = fromPage; number <= pdf.numPages; number += 1) {
      options.signal?.throwIfAborted();
      const page = await pdf.getPage(number).catch((error: unknown) => {
        throw pdfError(error, `page ${number} could not be read`);
      });
      const layer = await readTextLayer(page).catch((error: unknown) => {
        throw pdfError(error, `the text of page ${number} could not be read`);
      });
      const engine = ocrEngineFor(options);
      const scanned = engine !== undefined && layer.characters < SCAN_MAX_TEXT_CHARACTERS && (layer.characters === 0 || (await imageCoverage(page)) >= SCAN_MIN_IMAGE_COVERAGE);
      let read: DocumentPage;
      if (scanned) {
        const rendered = await renderPdfPage(page, dpi);
        const ocr = await ocrPage(engine, rendered.png, rendered.scale, rendered.scale * 72);
        read = { page: number, text: ocr.text, ocr: true, width: layer.width, height: layer.height, words: ocr.words, confidence: ocr.confidence };
      } else {
        const laidOut = layoutPage(layer.words, layer.sideways);
        read = { page: number, text: laidOut.text, ocr: false, width: layer.width, height: layer.height, words: laidOut.words };
      }
      pages.push(read);
      // Fonts and images of a page stay cached in pdf.js until released; a 500-page PDF would keep them all.
      page.cleanup();
      await options.onPage?.(read, pdf.numPages);
    }
    return { pages, pageCount: pdf.numPages };
  } finally {
    await pdf.destroy();
  }
}

async function scannedImagePages(images: PageImage[], fromPage: number, options: ReadDocumentOptions): Promise<PageRun> {
  const engine = ocrEngineFor(options);
  const pages: DocumentPage[] = [];
  for (const [index, image] of images.entries()) {
    if (index + 1 < fromPage) continue;
    options.signal?.throwIfAborted();
    const page: DocumentPage = { page: index + 1, text: '', ocr: false, width: image.width, height: image.height, words: [] };
    if (engine) {
      const read = await ocrPage(engine, image.png, 1);
      Object.assign(page, { text: read.text, ocr: true, words: read.words, confidence: read.confidence });
    }
    pages.push(page);
    await options.onPage?.(page, images.length);
  }
  return { pages, pageCount: images.length };
}

function ocrEngineFor(options: ReadDocumentOptions): OcrEngine | undefined {
  if (options.ocr === false) return undefined;
  return options.ocrEngine ?? sharedOcrEngine(options.ocr);
}
