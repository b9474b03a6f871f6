import type { ExtractionField as SchemaField, FieldValue } from '../../../contract/queue.ts';

// A reviewer types a correction as text; this turns it into the value its field's type holds, the
// same shapes `expected` takes (lists as arrays, booleans as booleans, dates as YYYY-MM-DD).

/** As the server checks it: the round trip refuses 2024-02-30, which Date would roll over to March. */
function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

export type ParsedCorrection = { ok: true; value: FieldValue } | { ok: false; error: string };

/** The value a correction's text stands for; `undefined` when the input is empty (keep the model's value). */
export function parseCorrection(field: SchemaField, text: string): ParsedCorrection | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  switch (field.type) {
    case 'number': {
      // People type amounts as they read them: "$1,234.50".
      const value = Number(trimmed.replace(/[\s,$€£]/g, ''));
      return Number.isFinite(value) ? { ok: true, value } : { ok: false, error: 'Not a number.' };
    }
    case 'integer': {
      const value = Number(trimmed.replace(/[\s,]/g, ''));
      return Number.isInteger(value) ? { ok: true, value } : { ok: false, error: 'Not a whole number.' };
    }
    case 'boolean':
      return trimmed === 'true' || trimmed === 'false' ? { ok: true, value: trimmed === 'true' } : { ok: false, error: 'Choose yes or no.' };
    case 'date':
      return isCalendarDate(trimmed) ? { ok: true, value: trimmed } : { ok: false, error: 'A date as YYYY-MM-DD.' };
    case 'enum':
      return !field.values || field.values.includes(trimmed) ? { ok: true, value: trimmed } : { ok: false, error: `One of ${field.values.join(', ')}.` };
    case 'list': {
      const value = trimmed.split(',').map((entry) => entry.trim()).filter(Boolean);
      return { ok: true, value };
    }
    default:
      return { ok: true, value: trimmed };
  }
}

/** Every correction the drafts hold, and the problem of each draft that is not a value of its type. */
export function collectCorrections(fields: SchemaField[], drafts: Record<string, string>) {
  const corrections: Record<string, FieldValue> = {};
  const problems: Record<string, string> = {};
  for (const field of fields) {
    const parsed = parseCorrection(field, drafts[field.name] ?? '');
    if (!parsed) continue;
    if (parsed.ok) corrections[field.name] = parsed.value;
    else problems[field.name] = parsed.error;
  }
  return { corrections, problems };
}

// The reviewer's name is remembered between visits: it is who they are, not a secret.
const REVIEWER_KEY = 'quarry.reviewer';

export function rememberedReviewer(): string {
  try {
    return localStorage.getItem(REVIEWER_KEY) ?? '';
  } catch {
    return '';
  }
}

export function rememberReviewer(name: string): void {
  try {
    localStorage.setItem(REVIEWER_KEY, name);
  } catch {
    // storage full or disabled: the name is asked for again next time
  }
}
