import { convert as htmlToText } from 'html-to-text';
import mammoth from 'mammoth';
import { CorruptDocumentError } from '../document-errors.ts';
import type { DocumentPage } from '../document-page.ts';

/**
 * Plain text as written: UTF-8, or Windows-1252 when it is not valid UTF-8 (the usual encoding of
 * older text files). A form feed starts a new page, as in text printed from other programs.
 */
export function plainTextPages(content: Uint8Array): DocumentPage[] {
  return textPages(decodeText(content).split('\f'));
}

/** HTML as the text a reader sees: scripts and styles dropped, tables kept as rows of cells. */
export function htmlPages(content: Uint8Array): DocumentPage[] {
  return textPages([htmlText(decodeText(content))]);
}

/** A Word document through mammoth (DOCX to HTML, tables included), then as HTML. */
export async function docxPages(content: Uint8Array): Promise<DocumentPage[]> {
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: Buffer.from(content.buffer, content.byteOffset, content.byteLength) })).value;
  } catch (error) {
    throw new CorruptDocumentError(`the DOCX file could not be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return textPages([htmlText(html)]);
}

function htmlText(html: string): string {
  return htmlToText(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      // A data table keeps each row on one line with its cells in columns, like a PDF table.
      { selector: 'table', format: 'dataTable', options: { colSpacing: 3, uppercaseHeaderCells: false, maxColumnWidth: 80 } },
    ],
  });
}

function decodeText(content: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    text = windows1252(content);
  }
  // PostgreSQL text cannot hold NUL; a byte-order mark is not content.
  return text.replace(/^\uFEFF/, '').replaceAll('\u0000', '').replace(/\r\n?/g, '\n');
}

/**
 * Windows-1252 as the WHATWG Encoding Standard defines it. Node's TextDecoder('windows-1252')
 * decodes bytes 0x80–0x9F as C1 control characters (ISO-8859-1), losing €, curly quotes and dashes,
 * so those 32 bytes are mapped here.
 */
function windows1252(content: Uint8Array): string {
  const latin1 = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('latin1');
  return latin1.replace(/[\u0080-\u009f]/g, (character) => WINDOWS_1252_C1[character.charCodeAt(0) - 0x80]!);
}

// Bytes 0x80–0x9F; the five the standard leaves unassigned map to the C1 control of the same value.
const WINDOWS_1252_C1 = [...'€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ'];

function textPages(texts: string[]): DocumentPage[] {
  return texts.map((text, index) => ({ page: index + 1, text, ocr: false, width: null, height: null, words: [] }));
}
