import { ACCEPTED_MIME_TYPES, DOCUMENT_FORMATS, type DocumentFormat } from '../contract/documents.ts';
import { CorruptDocumentError, DocumentTooLargeError, EncryptedDocumentError, UnsupportedFormatError } from './document-errors.ts';

export { ACCEPTED_MIME_TYPES, DOCUMENT_FORMATS, type DocumentFormat };

/** Uploads above this are refused at intake; a configuration may lower or raise it. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;

const ACCEPTED = `accepted: ${Object.values(DOCUMENT_FORMATS)
  .map((format) => `${format.label} (${format.mimeType})`)
  .join(', ')}`;

/** Other names clients use for the same formats. */
const MIME_ALIASES: Record<string, DocumentFormat> = {
  'application/x-pdf': 'pdf',
  'image/jpg': 'jpeg',
  'image/pjpeg': 'jpeg',
  'image/tif': 'tiff',
  'application/xhtml+xml': 'html',
};

const EXTENSIONS: Record<string, DocumentFormat> = Object.fromEntries(
  (Object.entries(DOCUMENT_FORMATS) as [DocumentFormat, (typeof DOCUMENT_FORMATS)[DocumentFormat]][]).flatMap(([format, { extensions }]) =>
    extensions.map((extension) => [extension, format]),
  ),
);

const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** Signatures of formats we recognise but do not read, so the refusal can name what was sent. */
const KNOWN_UNSUPPORTED: { name: string; matches: (bytes: Uint8Array) => boolean }[] = [
  { name: 'GIF image', matches: (b) => startsWith(b, [0x47, 0x49, 0x46, 0x38]) },
  { name: 'BMP image', matches: (b) => startsWith(b, [0x42, 0x4d]) && b.length > 14 },
  { name: 'WebP image', matches: (b) => startsWith(b, [0x52, 0x49, 0x46, 0x46]) && ascii(b, 8, 4) === 'WEBP' },
  { name: 'legacy Microsoft Office (OLE) file such as .doc or .xls', matches: (b) => startsWith(b, OLE_SIGNATURE) },
  { name: 'RTF document', matches: (b) => ascii(b, 0, 5) === '{\\rtf' },
];

export interface DeclaredType {
  /** The MIME type the client sent, parameters allowed ("text/plain; charset=utf-8"). */
  mimeType?: string | undefined;
  filename?: string | undefined;
}

export interface DetectedFormat {
  format: DocumentFormat;
  mimeType: string;
}

/**
 * Decides what a document is from its bytes first and its declared type second. Binary formats are
 * known by their signatures, and the content wins over a mislabelled type (browsers send JPEGs as
 * image/png and PDFs as application/octet-stream). Text has no signature, so HTML is taken from the
 * declared type, the file name or a leading `<!doctype html>`/`<html>`. Anything else, or a document
 * over `maxBytes`, is refused with an error that names the accepted formats.
 */
export function detectFormat(content: Uint8Array, declared: DeclaredType = {}, maxBytes = DEFAULT_MAX_DOCUMENT_BYTES): DetectedFormat {
  if (content.byteLength > maxBytes) throw new DocumentTooLargeError(`the document is ${content.byteLength} bytes, over the limit of ${maxBytes} bytes`);
  if (content.byteLength === 0) throw new CorruptDocumentError('the document is empty (0 bytes)');
  const claimed = declaredFormat(declared);
  const sniffed = sniffBinary(content, claimed);
  if (sniffed) return found(sniffed);

  if (isEncryptedOffice(content)) throw new EncryptedDocumentError('Office document');
  const unsupported = KNOWN_UNSUPPORTED.find((signature) => signature.matches(content));
  if (unsupported) throw new UnsupportedFormatError(`the document is a ${unsupported.name}, which Quarry does not read; ${ACCEPTED}`);
  if (claimed === 'pdf' || claimed === 'png' || claimed === 'jpeg' || claimed === 'tiff' || claimed === 'docx') {
    throw new CorruptDocumentError(`the document was sent as ${DOCUMENT_FORMATS[claimed].label} but its content is not one`);
  }
  if (claimed === undefined && declared.mimeType && !isGenericMimeType(declared.mimeType)) {
    throw new UnsupportedFormatError(`the type ${baseMimeType(declared.mimeType)} is not read by Quarry; ${ACCEPTED}`);
  }
  if (!looksLikeText(content)) throw new UnsupportedFormatError(`the document is not in a format Quarry reads; ${ACCEPTED}`);
  if (claimed === 'html' || (claimed === undefined && startsLikeHtml(content))) return found('html');
  return found('text');
}

function found(format: DocumentFormat): DetectedFormat {
  return { format, mimeType: DOCUMENT_FORMATS[format].mimeType };
}

function sniffBinary(bytes: Uint8Array, claimed: DocumentFormat | undefined): DocumentFormat | undefined {
  // The PDF specification allows bytes before the header; readers accept it within the first 1 KB.
  if (Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).includes('%PDF-')) return 'pdf';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    // A DOCX is a ZIP holding word/document.xml; its name is stored uncompressed in the ZIP headers.
    if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('word/document.xml')) return 'docx';
    if (claimed === 'docx') throw new CorruptDocumentError('the document was sent as DOCX but the archive holds no word/document.xml');
    throw new UnsupportedFormatError(`the document is a ZIP archive (such as .xlsx, .pptx or .zip), which Quarry does not read; ${ACCEPTED}`);
  }
  return undefined;
}

/**
 * A password-protected DOCX (or XLSX, PPTX) is not a ZIP but an OLE compound file holding an
 * `EncryptedPackage` stream, whose name the OLE directory stores in UTF-16.
 */
function isEncryptedOffice(bytes: Uint8Array): boolean {
  if (!startsWith(bytes, OLE_SIGNATURE)) return false;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(Buffer.from('EncryptedPackage', 'utf16le'));
}

function declaredFormat(declared: DeclaredType): DocumentFormat | undefined {
  const mimeType = declared.mimeType ? baseMimeType(declared.mimeType) : '';
  const byMime = Object.entries(DOCUMENT_FORMATS).find(([, format]) => format.mimeType === mimeType)?.[0] as DocumentFormat | undefined;
  if (byMime) return byMime;
  if (MIME_ALIASES[mimeType]) return MIME_ALIASES[mimeType];
  // Markdown, CSV and other text/* types are read as the plain text they are.
  if (mimeType.startsWith('text/')) return 'text';
  if (mimeType && !isGenericMimeType(mimeType)) return undefined;
  const extension = declared.filename?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  return extension ? EXTENSIONS[extension] : undefined;
}

function baseMimeType(mimeType: string): string {
  return mimeType.split(';')[0]!.trim().toLowerCase();
}

function isGenericMimeType(mimeType: string): boolean {
  return ['', 'application/octet-stream', 'binary/octet-stream', 'application/unknown'].includes(baseMimeType(mimeType));
}

/** Valid UTF-8, or a single-byte encoding without the control bytes that mark binary data. */
function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 64 * 1024);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return false;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) control += 1;
  }
  return control <= sample.length * 0.01;
}

function startsLikeHtml(bytes: Uint8Array): boolean {
  const head = new TextDecoder('utf-8').decode(bytes.subarray(0, 512)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<head') || head.startsWith('<body');
}

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return bytes.length >= signature.length && signature.every((byte, index) => bytes[index] === byte);
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}
