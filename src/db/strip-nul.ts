/** PostgreSQL text (and JSONB) cannot hold NUL; provider error bodies and model answers sometimes do. */
export function stripNul(text: string): string {
  return text.replaceAll('\u0000', '');
}
