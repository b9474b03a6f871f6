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
