import type { DocumentFormat } from './document-format.ts';
import { imagePages, type PageImage } from './image/image-pages.ts';
import { openPdf, pdfError } from './pdf/open-pdf.ts';
import { renderPdfPage } from './pdf/pdf-page-image.ts';

/** The page viewer's resolution: sharp on a high-density screen at page width, a few hundred KB a page. */
export const VIEWER_DPI = 144;

/**
 * One page of a stored document as a PNG for the page viewer: a PDF page rendered at `dpi`, an
 * image page as OCR read it. Undefined when the page does not exist or the format has no drawn
 * pages (text, HTML, DOCX). Word boxes scale onto it by `image.width / page.width`.
 */
export async function pageImage(content: Uint8Array, format: DocumentFormat, pageNumber: number, dpi = VIEWER_DPI): Promise<PageImage | undefined> {
  if (!Number.isInteger(pageNumber) || pageNumber < 1) return undefined;
  if (format === 'png' || format === 'jpeg' || format === 'tiff') return (await imagePages(content, format))[pageNumber - 1];
  if (format !== 'pdf') return undefined;
  const pdf = await openPdf(content);
  try {
    if (pageNumber > pdf.numPages) return undefined;
    const page = await pdf.getPage(pageNumber).catch((error: unknown) => {
      throw pdfError(error, `page ${pageNumber} could not be read`);
    });
    const { png, width, height } = await renderPdfPage(page, dpi);
    return { png, width, height };
  } finally {
    await pdf.destroy();
  }
}
