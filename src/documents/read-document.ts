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
  /** Called after each page: an activity heartbeats here, since a long scan takes minutes. */
  onPage?: (page: number, pages: number) => void | Promise<void>;
  /** Stops between pages (an activity's cancellation). */
  signal?: AbortSignal;
}

/**
 * Reads a document into pages of text in reading order with word boxes: PDF text layers laid out by
 * position, scanned PDF pages and PNG/JPEG/TIFF images by OCR on this machine, HTML, DOCX and text
 * as written. Throws a `DocumentReadError` a sender can act on: an unsupported or over-size upload,
 * an encrypted or corrupt file, or a document in which even OCR found no text.
 */
export async function readDocument(content: Uint8Array, options: ReadDocumentOptions = {}): Promise<ReadDocument> {
  const { format, mimeType } = detectFormat(content, options, options.maxBytes);
  const pages = await readPages(content, format, options);
  if (pages.every((page) => page.text.trim().length === 0)) {
    const ocrPages = pages.filter((page) => page.ocr).length;
    const detail = ocrPages > 0 ? `; OCR found none on ${ocrPages === 1 ? 'its page' : `its ${ocrPages} pages`}` : '';
    throw new NoTextError(`the document has no text${detail}`);
  }
  return { format, mimeType, pages };
}

async function readPages(content: Uint8Array, format: DocumentFormat, options: ReadDocumentOptions): Promise<DocumentPage[]> {
  switch (format) {
    case 'pdf':
      return pdfPages(content, options);
    case 'png':
    case 'jpeg':
    case 'tiff':
      return scannedImagePages(await imagePages(content, format), options);
    case 'html':
      return htmlPages(content);
    case 'docx':
      return docxPages(content);
    case 'text':
      return plainTextPages(content);
  }
}

async function pdfPages(content: Uint8Array, options: ReadDocumentOptions): Promise<DocumentPage[]> {
  const pdf = await openPdf(content);
  const dpi = options.ocrDpi ?? DEFAULT_OCR_DPI;
  try {
    const pages: DocumentPage[] = [];
    for (let number = 1; number <= pdf.numPages; number += 1) {
      options.signal?.throwIfAborted();
      const page = await pdf.getPage(number).catch((error: unknown) => {
        throw pdfError(error, `page ${number} could not be read`);
      });
      const layer = await readTextLayer(page).catch((error: unknown) => {
        throw pdfError(error, `the text of page ${number} could not be read`);
      });
      const engine = ocrEngineFor(options);
      const scanned = engine !== undefined && layer.characters < SCAN_MAX_TEXT_CHARACTERS && (layer.characters === 0 || (await imageCoverage(page)) >= SCAN_MIN_IMAGE_COVERAGE);
      if (scanned) {
        const rendered = await renderPdfPage(page, dpi);
        const read = await ocrPage(engine, rendered.png, rendered.scale, rendered.scale * 72);
        pages.push({ page: number, text: read.text, ocr: true, width: layer.width, height: layer.height, words: read.words, confidence: read.confidence });
      } else {
        const laidOut = layoutPage(layer.words, layer.sideways);
        pages.push({ page: number, text: laidOut.text, ocr: false, width: layer.width, height: layer.height, words: laidOut.words });
      }
      // Fonts and images of a page stay cached in pdf.js until released; a 500-page PDF would keep them all.
      page.cleanup();
      await options.onPage?.(number, pdf.numPages);
    }
    return pages;
  } finally {
    await pdf.destroy();
  }
}

async function scannedImagePages(images: PageImage[], options: ReadDocumentOptions): Promise<DocumentPage[]> {
  const engine = ocrEngineFor(options);
  const pages: DocumentPage[] = [];
  for (const [index, image] of images.entries()) {
    options.signal?.throwIfAborted();
    const page: DocumentPage = { page: index + 1, text: '', ocr: false, width: image.width, height: image.height, words: [] };
    if (engine) {
      const read = await ocrPage(engine, image.png, 1);
      Object.assign(page, { text: read.text, ocr: true, words: read.words, confidence: read.confidence });
    }
    pages.push(page);
    await options.onPage?.(index + 1, images.length);
  }
  return pages;
}

function ocrEngineFor(options: ReadDocumentOptions): OcrEngine | undefined {
  if (options.ocr === false) return undefined;
  return options.ocrEngine ?? sharedOcrEngine(options.ocr);
}
