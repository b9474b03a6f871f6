import type { ExtractionField, ExtractionSchema } from './extraction-schema.ts';

/**
 * How a labelled item is scored. Each field with an expected value counts once; the accuracy is the
 * share of those fields whose extracted value equals the expected one after normalising both by the
 * field's type:
 * - string: trimmed, inner whitespace collapsed, case-insensitive;
 * - number: parsed after dropping currency symbols, spaces and thousands separators; equal within
 *   0.5 % of the expected magnitude or 0.005 absolute, whichever is larger (cents survive rounding);
 * - integer: parsed the same way, then exact;
 * - boolean: true/yes/y/1 and false/no/n/0;
 * - date: the calendar day, from ISO `YYYY-MM-DD` or any form `Date` parses;
 * - enum: case-insensitive;
 * - list: the same items in any order (each normalised as a string, duplicates ignored).
 * An expected `null` means the field should be absent: it matches a missing or null value.
 */
export interface AccuracyScore {
  accuracy: number | null;
  fields: Record<string, { expected: unknown; actual: unknown; correct: boolean }>;
}

export function scoreAccuracy(
  schema: ExtractionSchema,
  expected: Record<string, unknown> | null | undefined,
  actual: Record<string, unknown>,
): AccuracyScore {
  const fields: AccuracyScore['fields'] = {};
  if (!expected) return { accuracy: null, fields };
  let counted = 0;
  let correct = 0;
  for (const field of schema.fields) {
    if (!(field.name in expected)) continue;
    const want = expected[field.name];
    const got = actual[field.name];
    const same = valuesMatch(field, want, got);
    fields[field.name] = { expected: want, actual: got ?? null, correct: same };
    counted += 1;
    if (same) correct += 1;
  }
  return { accuracy: counted === 0 ? null : correct / counted, fields };
}

export function valuesMatch(field: ExtractionField, expected: unknown, actual: unknown): boolean {
  const isAbsent = (value: unknown) => value === null || value === undefined || value === '';
  if (isAbsent(expected) || isAbsent(actual)) return isAbsent(expected) && isAbsent(actual);
  switch (field.type) {
    case 'number': {
      const [a, b] = [parseNumber(expected), parseNumber(actual)];
      if (a === null || b === null) return false;
      return Math.abs(a - b) <= Math.max(0.005, Math.abs(a) * 0.005);
    }
    case 'integer': {
      const [a, b] = [parseNumber(expected), parseNumber(actual)];
      return a !== null && b !== null && Math.round(a) === a && a === b;
    }
    case 'boolean': {
      const [a, b] = [parseBoolean(expected), parseBoolean(actual)];
      return a !== null && a === b;
    }
    case 'date': {
      const [a, b] = [parseDay(expected), parseDay(actual)];
      return a !== null && a === b;
    }
    case 'list': {
      const [a, b] = [asSet(expected), asSet(actual)];
      return a.size === b.size && [...a].every((item) => b.has(item));
    }
    case 'string':
    case 'enum':
      return normaliseText(expected) === normaliseText(actual);
  }
}

export function normaliseText(value: unknown): string {
  return String(value).trim().replace(/\s+/g, ' ').toLowerCase();
}

export function parseNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  let text = value.trim().replace(/[\s$€£¥]|USD|EUR|GBP/gi, '');
  // "1,234.50" uses commas for thousands; "1234,50" (no dot) uses a decimal comma.
  text = /^-?\d+,\d{1,2}$/.test(text) ? text.replace(',', '.') : text.replace(/,/g, '');
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(text)) return null;
  return Number(text);
}

function parseBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  const text = normaliseText(value);
  if (['true', 'yes', 'y', '1'].includes(text)) return true;
  if (['false', 'no', 'n', '0'].includes(text)) return false;
  return null;
}

function parseDay(value: unknown): string | null {
  const text = String(value).trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  const parsed = new Date(`${text} UTC`);
  if (Number.isNaN(parsed.getTime())) return null;
  return parsed.toISOString().slice(0, 10);
}

function asSet(value: unknown): Set<string> {
  const items = Array.isArray(value) ? value : String(value).split(/[;,]/);
  return new Set(items.map(normaliseText).filter((item) => item.length > 0));
}
