import { createRequire } from 'node:module';
import path from 'node:path';
import { getDocument, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { CorruptDocumentError, DocumentReadError, EncryptedDocumentError } from '../document-errors.ts';

const pdfjsRoot = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

/**
 * Opens a PDF with pdf.js. The fonts PDFs name without embedding (Helvetica, Times, …) and the
 * character maps of CJK fonts come from the pdfjs-dist package itself, so rendering needs no
 * network. A PDF that needs a password or cannot be parsed becomes a `DocumentReadError`.
 */
export async function openPdf(content: Uint8Array): Promise<PDFDocumentProxy> {
  const task = getDocument({
    // pdf.js takes ownership of the array it is given and detaches it; give it a copy.
    data: new Uint8Array(content),
    isEvalSupported: false,
    useSystemFonts: false,
    verbosity: 0,
    standardFontDataUrl: `${path.join(pdfjsRoot, 'standard_fonts')}/`,
    cMapUrl: `${path.join(pdfjsRoot, 'cmaps')}/`,
    cMapPacked: true,
  });
  try {
    return await task.promise;
  } catch (error) {
    throw pdfError(error, 'the PDF could not be opened');
  }
}

/** Maps what pdf.js throws to the error a sender can act on; `context` says what was being done. */
export function pdfError(error: unknown, context: string): DocumentReadError {
  if (error instanceof DocumentReadError) return error;
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') return new EncryptedDocumentError('PDF', { cause: error });
  const reason = error instanceof Error ? error.message : String(error);
  return new CorruptDocumentError(`${context}: ${reason}`, { cause: error });
}
