import { describe, expect, it } from 'vitest';
import { CorruptDocumentError, DocumentTooLargeError, EncryptedDocumentError, UnsupportedFormatError } from '../../../src/documents/document-errors.ts';
import { detectFormat } from '../../../src/documents/document-format.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (value: string) => new TextEncoder().encode(value);
const PNG = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13);
const JPEG = bytes(0xff, 0xd8, 0xff, 0xe0, 0, 16);
const TIFF_LE = bytes(0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0);
const TIFF_BE = bytes(0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8);

function zipWith(entryName: string): Uint8Array {
  return Uint8Array.from([...bytes(0x50, 0x4b, 0x03, 0x04), ...new Array(26).fill(0), ...text(entryName)]);
}

describe('detectFormat', () => {
  it('knows binary formats by their signatures, whatever type was declared', () => {
    expect(detectFormat(text('%PDF-1.7\n...'))).toEqual({ format: 'pdf', mimeType: 'application/pdf' });
    expect(detectFormat(PNG, { mimeType: 'application/octet-stream' }).format).toBe('png');
    // A JPEG sent as image/png is still read as the JPEG it is.
    expect(detectFormat(JPEG, { mimeType: 'image/png' }).format).toBe('jpeg');
    expect(detectFormat(TIFF_LE).format).toBe('tiff');
    expect(detectFormat(TIFF_BE).format).toBe('tiff');
    expect(detectFormat(zipWith('word/document.xml')).format).toBe('docx');
  });

  it('accepts a PDF header after leading bytes, as PDF readers do', () => {
    expect(detectFormat(text('\n\n  junk %PDF-1.4\n')).format).toBe('pdf');
  });

  it('reads text as HTML when declared, named or opened as HTML, else as plain text', () => {
    expect(detectFormat(text('<p>Hi</p>'), { mimeType: 'text/html; charset=utf-8' }).format).toBe('html');
    expect(detectFormat(text('<p>Hi</p>'), { filename: 'page.HTM' }).format).toBe('html');
    expect(detectFormat(text('\uFEFF  <!DOCTYPE html><html><body>Hi</body></html>')).format).toBe('html');
    expect(detectFormat(text('Invoice 42'), { mimeType: 'text/plain' })).toEqual({ format: 'text', mimeType: 'text/plain' });
    expect(detectFormat(text('a,b\n1,2'), { mimeType: 'text/csv' }).format).toBe('text');
    // Windows-1252 text (é as 0xE9) is not UTF-8 but is still text.
    expect(detectFormat(bytes(0x43, 0x61, 0x66, 0xe9, 0x0a)).format).toBe('text');
  });

  it('names the accepted formats when refusing another one', () => {
    const gif = text('GIF89a....');
    expect(() => detectFormat(gif)).toThrow(UnsupportedFormatError);
    expect(() => detectFormat(gif)).toThrow(/GIF image.*accepted: PDF \(application\/pdf\), PNG \(image\/png\), JPEG.*DOCX/);
    expect(() => detectFormat(zipWith('xl/workbook.xml'))).toThrow(/ZIP archive/);
    expect(() => detectFormat(bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0))).toThrow(/legacy Microsoft Office/);
    expect(() => detectFormat(text('{"a": 1}'), { mimeType: 'application/json' })).toThrow(/application\/json is not read by Quarry; accepted/);
    expect(() => detectFormat(bytes(0, 1, 2, 3, 0, 0, 7, 8))).toThrow(UnsupportedFormatError);
  });

  it('says an encrypted Office file needs its password removed, rather than calling it an old .doc', () => {
    const encryptedPackage = Uint8Array.from([
      ...bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1),
      ...new Array(64).fill(0),
      ...[...'EncryptedPackage'].flatMap((character) => [character.charCodeAt(0), 0]),
    ]);
    expect(() => detectFormat(encryptedPackage)).toThrow(EncryptedDocumentError);
  });

  it('refuses a document over the size limit, and an empty one', () => {
    expect(() => detectFormat(new Uint8Array(2049), {}, 2048)).toThrow(DocumentTooLargeError);
    expect(() => detectFormat(new Uint8Array(2049), {}, 2048)).toThrow('the document is 2049 bytes, over the limit of 2048 bytes');
    expect(() => detectFormat(new Uint8Array(0))).toThrow(CorruptDocumentError);
  });

  it('calls a declared binary type without its signature corrupt, not text', () => {
    expect(() => detectFormat(text('hello'), { mimeType: 'application/pdf' })).toThrow(CorruptDocumentError);
    expect(() => detectFormat(text('hello'), { mimeType: 'application/pdf' })).toThrow('the document was sent as PDF but its content is not one');
    expect(() => detectFormat(zipWith('other.txt'), { filename: 'report.docx' })).toThrow(/holds no word\/document\.xml/);
  });
});
