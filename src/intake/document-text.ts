import { convert as htmlToText } from 'html-to-text';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

import { SUPPORTED_MIME_TYPES, type SupportedMimeType } from '../contract/queue.ts';

export { SUPPORTED_MIME_TYPES, type SupportedMimeType };

export const MAX_DOCUMENT_CHARACTERS = 2_000_000;

/** The client's document is unusable; the message says why. Intake turns it into a 400. */
export class DocumentRejectedError extends Error {
  override name = 'DocumentRejectedError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface DocumentText {
  text: string;
  mimeType: SupportedMimeType;
  bytes: number;
}

/**
 * Turns an uploaded document into the plain text the pipeline reads: PDFs through pdf.js (Mozilla's pdfjs-dist),
 * HTML through html-to-text (scripts and styles dropped), text as it is. NUL bytes are removed,
 * since PostgreSQL text cannot hold them.
 */
export async function documentText(content: Buffer, mimeType: SupportedMimeType): Promise<DocumentText> {
  let text: string;
  if (mimeType === 'application/pdf') {
    text = await pdfText(content);
  } else {
    const decoded = new TextDecoder('utf-8', { fatal: true });
    let raw: string;
    try {
      raw = decoded.decode(content);
    } catch {
      throw new DocumentRejectedError('invalid_encoding', 'the document is not valid UTF-8 text');
    }
    text = mimeType === 'text/html' ? htmlToText(raw, { wordwrap: false, selectors: [{ selector: 'a', options: { ignoreHref: true } }, { selector: 'img', format: 'skip' }] }) : raw;
  }
  return { text: cleanText(text), mimeType, bytes: content.byteLength };
}

export function cleanText(text: string): string {
  const cleaned = text.replaceAll('\u0000', '').replace(/\r\n?/g, '\n');
  if (cleaned.trim().length === 0) throw new DocumentRejectedError('empty_document', 'the document has no text');
  if (cleaned.length > MAX_DOCUMENT_CHARACTERS) {
    throw new DocumentRejectedError('document_too_large', `the document's text is over ${MAX_DOCUMENT_CHARACTERS} characters`);
  }
  return cleaned;
}

async function pdfText(content: Buffer): Promise<string> {
  // Check the signature before pdf.js sees the bytes: a "PDF" that is not one is the client's
  // mistake and gets a clear answer, not a parser's stack trace.
  if (content.subarray(0, 1024).indexOf('%PDF-') === -1) {
    throw new DocumentRejectedError('invalid_pdf', 'the document is not a PDF (no %PDF- header)');
  }
  try {
    const pdf = await getDocument({ data: new Uint8Array(content), isEvalSupported: false, useSystemFonts: false, verbosity: 0 }).promise;
    try {
      const pages: string[] = [];
      for (let number = 1; number <= pdf.numPages; number += 1) {
        const page = await pdf.getPage(number);
        const { items } = await page.getTextContent();
        // Items carry their own line ends; keep the document's lines so `Label: value` stays on one.
        pages.push(items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''));
      }
      return pages.join('\n\n');
    } finally {
      await pdf.destroy();
    }
  } catch (error) {
    throw new DocumentRejectedError('invalid_pdf', `the PDF could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}
