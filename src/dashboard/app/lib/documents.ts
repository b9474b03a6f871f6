import type { ExtractionSchema, FieldType, FieldValue } from '../../../contract/queue.ts';

const MIME_BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  html: 'text/html',
  htm: 'text/html',
  txt: 'text/plain',
  text: 'text/plain',
  md: 'text/plain',
  csv: 'text/plain',
};
export const ACCEPTED_FILES = '.pdf,.html,.htm,.txt,.md,.csv,application/pdf,text/html,text/plain';

/** The API's mime type for a picked file: from its extension, since browsers often leave `type` empty. */
export function mimeTypeOf(file: File): string | undefined {
  const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
  return MIME_BY_EXTENSION[extension] ?? (['application/pdf', 'text/html', 'text/plain'].includes(file.type) ? file.type : undefined);
}

export async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  // In slices: String.fromCharCode over a whole multi-megabyte array overflows the call stack.
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(binary);
}

/** An expected value typed in a form, parsed by its field's type; blank means "not given". */
export function parseExpected(type: FieldType, raw: string): FieldValue | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  if (type === 'number' || type === 'integer') {
    const number = Number(text.replace(/[$€£,\s]/g, ''));
    return Number.isFinite(number) ? number : text;
  }
  if (type === 'boolean') return /^(true|yes|1)$/i.test(text) ? true : /^(false|no|0)$/i.test(text) ? false : text;
  if (type === 'list') return text.split(',').map((part) => part.trim()).filter(Boolean);
  return text;
}

export function expectedValues(schema: ExtractionSchema, raw: Record<string, string>): Record<string, FieldValue> | undefined {
  const entries = schema.fields
    .map((field) => [field.name, parseExpected(field.type, raw[field.name] ?? '')] as const)
    .filter((entry): entry is readonly [string, FieldValue] => entry[1] !== undefined);
  return entries.length ? Object.fromEntries(entries) : undefined;
}
