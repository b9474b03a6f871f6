/**
 * Why a document cannot be read, in words its sender can act on. Every one of these is final: the
 * same bytes fail the same way, so intake answers 400 for the first two and a run fails for the
 * rest without a retry.
 */
export type DocumentErrorCode = 'unsupported_format' | 'document_too_large' | 'encrypted_document' | 'corrupt_document' | 'no_text';

export abstract class DocumentReadError extends Error {
  abstract readonly code: DocumentErrorCode;
}

/** Neither the content nor the declared type is a format Quarry reads; the message lists those it does. */
export class UnsupportedFormatError extends DocumentReadError {
  override name = 'UnsupportedFormatError';
  readonly code = 'unsupported_format';
}

/** Over the configured size in bytes, or an image with more pixels than can be held in memory. */
export class DocumentTooLargeError extends DocumentReadError {
  override name = 'DocumentTooLargeError';
  readonly code = 'document_too_large';
}

/** A document that asks for a password to open: the sender must remove it, Quarry never guesses one. */
export class EncryptedDocumentError extends DocumentReadError {
  override name = 'EncryptedDocumentError';
  readonly code = 'encrypted_document';
  constructor(kind: string, options?: ErrorOptions) {
    super(`the ${kind} is protected by a password; send it without the password`, options);
  }
}

/** The bytes claim a format but do not hold a readable document of it (truncated, damaged, mislabelled). */
export class CorruptDocumentError extends DocumentReadError {
  override name = 'CorruptDocumentError';
  readonly code = 'corrupt_document';
}

/** Every page was read, by its text layer or by OCR, and none held any text. */
export class NoTextError extends DocumentReadError {
  override name = 'NoTextError';
  readonly code = 'no_text';
}
