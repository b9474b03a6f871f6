import { createHash } from 'node:crypto';
import type { QueueItemInput } from '../contract/queue.ts';
import type { NewDocument } from '../db/documents.ts';
import { detectFormat } from '../documents/document-format.ts';
import { DocumentReadError } from '../documents/document-errors.ts';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The upload is refused at intake; `code` and the message say why and what is accepted. */
export class UploadRejectedError extends Error {
  override name = 'UploadRejectedError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * What intake checks and keeps of one upload, without reading it: the bytes as they came, their
 * format from their signature and the declared type (a PDF sent as octet-stream is a PDF; a GIF sent
 * as image/png is refused, naming what is accepted), their size against the limit and their SHA-256.
 * Reading — text layers, layout, OCR — is the run's first activity.
 */
export function acceptUpload(document: QueueItemInput['document'], maxBytes: number): NewDocument {
  let bytes: Buffer;
  let declaredMimeType: string | null;
  let filename: string | null = null;
  if ('text' in document) {
    // Whitespace is all there is to read: no run could find anything in it.
    if (document.text.trim().length === 0) throw new UploadRejectedError('empty_document', 'the document has no text');
    // A NUL is valid in a JSON string but marks bytes as binary, and PostgreSQL text cannot hold it.
    bytes = Buffer.from(document.text.replaceAll('\u0000', ''), 'utf8');
    declaredMimeType = 'text/plain';
  } else {
    const compact = document.content_base64.replace(/\s+/g, '');
    if (compact.length % 4 !== 0 || !BASE64.test(compact)) throw new UploadRejectedError('invalid_base64', 'content_base64 is not valid base64');
    // Refused before decoding: base64 is 4 characters for every 3 bytes.
    if ((compact.length / 4) * 3 - 2 > maxBytes) throw new UploadRejectedError('document_too_large', `the document is over the limit of ${maxBytes} bytes`);
    bytes = Buffer.from(compact, 'base64');
    declaredMimeType = document.mime_type ?? null;
    filename = document.filename ?? null;
  }
  try {
    const { format, mimeType } = detectFormat(bytes, { mimeType: declaredMimeType ?? undefined, filename: filename ?? undefined }, maxBytes);
    return {
      format,
      mimeType,
      declaredMimeType,
      filename,
      sizeBytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      content: bytes,
    };
  } catch (error) {
    if (error instanceof DocumentReadError) throw new UploadRejectedError(error.code, error.message);
    throw error;
  }
}
