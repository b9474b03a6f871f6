import { ACCEPTED_EXTENSIONS, ACCEPTED_MIME_TYPES, DOCUMENT_FORMATS } from '../../../contract/documents.ts';

/** What the file picker offers: every format intake reads, by file name ending and MIME type. */
export const ACCEPTED_FILES = [...ACCEPTED_EXTENSIONS, ...ACCEPTED_MIME_TYPES].join(',');

/** The formats intake reads, named as a person knows them ("PDF, PNG, JPEG, …"). */
export const ACCEPTED_LABELS = Object.values(DOCUMENT_FORMATS)
  .map((format) => format.label)
  .join(', ');

/**
 * The MIME type to declare for a picked file: from its extension, since browsers often leave `type`
 * empty; undefined for a file intake does not read. The server decides from the bytes in the end.
 */
export function mimeTypeOf(file: File): string | undefined {
  const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
  const format = Object.values(DOCUMENT_FORMATS).find((candidate) => (candidate.extensions as readonly string[]).includes(extension));
  return format?.mimeType ?? (ACCEPTED_MIME_TYPES.includes(file.type) ? file.type : undefined);
}

export async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  // In slices: String.fromCharCode over a whole multi-megabyte array overflows the call stack.
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(binary);
}
