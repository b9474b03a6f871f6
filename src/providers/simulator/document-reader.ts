import type { ExtractionField, FieldValue } from '../../domain/extraction-schema.ts';
import { isIsoDate } from '../../pipeline/field-value-schema.ts';

/**
 * What a perfect simulated model reads in a document: `Label: value` lines, matched to fields by
 * name and coerced to the field's type. The simulated models start from this ground truth and are
 * then made wrong on purpose, as often as their profile says.
 */

export interface LabelledLine {
  label: string;
  value: string;
}

// A label is short and starts with a letter; a line like "Note: call me at 10:30" still parses,
// with "call me at 10:30" as its value (only the first colon separates).
const LABELLED_LINE = /^\s*([A-Za-z][A-Za-z0-9 _\-/#.()']{0,60}?)\s*:\s*(.*?)\s*$/;

export function normaliseLabel(label: string): string {
  return label
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function readLabelledLines(document: string): LabelledLine[] {
  const lines: LabelledLine[] = [];
  for (const line of document.split(/\r?\n/)) {
    const match = LABELLED_LINE.exec(line);
    if (match?.[1] && match[2] !== undefined && match[2] !== '') lines.push({ label: match[1], value: match[2] });
  }
  return lines;
}

/** The raw text of the first line whose label is the field's name or its words, case-insensitively. */
export function findFieldText(lines: readonly LabelledLine[], fieldName: string): string | undefined {
  const words = normaliseLabel(fieldName);
  const squashed = words.replaceAll(' ', '');
  const line = lines.find((candidate) => {
    const label = normaliseLabel(candidate.label);
    return label === words || label.replaceAll(' ', '') === squashed;
  });
  return line?.value;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function isoDate(year: number, month: number, day: number): string | null {
  const value = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return isIsoDate(value) ? value : null;
}

function monthNumber(name: string): number | undefined {
  const index = MONTHS.indexOf(name.slice(0, 3).toLowerCase());
  return index < 0 ? undefined : index + 1;
}

/** A date in the usual spellings, as YYYY-MM-DD; numeric D/M order follows the US unless impossible. */
export function parseDate(raw: string): string | null {
  const text = raw.trim();
  let match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text);
  if (match) return isoDate(Number(match[1]), Number(match[2]), Number(match[3]));
  match = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$/.exec(text);
  if (match) {
    const first = Number(match[1]);
    const second = Number(match[3]);
    const year = Number(match[4]);
    // Dots are the European day.month.year; slashes and dashes are month/day unless the month can't be.
    const dayFirst = match[2] === '.' || first > 12;
    return dayFirst ? isoDate(year, second, first) : isoDate(year, first, second);
  }
  match = /^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})$/.exec(text);
  if (match) {
    const month = monthNumber(match[2] ?? '');
    return month ? isoDate(Number(match[3]), month, Number(match[1])) : null;
  }
  match = /^([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/.exec(text);
  if (match) {
    const month = monthNumber(match[1] ?? '');
    return month ? isoDate(Number(match[3]), month, Number(match[2])) : null;
  }
  return null;
}

/** A number with its currency symbol or code and thousands separators removed. */
export function parseNumber(raw: string): number | null {
  // A minus before the first digit, or accounting parentheses, make it negative.
  const negative = /^\s*\(.*\)\s*$/.test(raw) || /^[^0-9]*-/.test(raw);
  let digits = raw.replace(/[^0-9.,]/g, '');
  const lastComma = digits.lastIndexOf(',');
  const lastDot = digits.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    // Whichever separator comes last is the decimal point: 1,234.56 or 1.234,56.
    digits = lastComma > lastDot ? digits.replaceAll('.', '').replace(',', '.') : digits.replaceAll(',', '');
  } else if (lastComma >= 0) {
    // A lone comma group of exactly three digits is a thousands separator (1,234); otherwise decimal (12,5).
    digits = /,\d{3}$/.test(digits) ? digits.replaceAll(',', '') : digits.replaceAll(',', '.');
  }
  if (digits === '' || (digits.match(/\./g)?.length ?? 0) > 1) return null;
  const value = Number(digits);
  if (!Number.isFinite(value)) return null;
  return negative ? -value : value;
}

export function parseBoolean(raw: string): boolean | null {
  const word = raw.trim().toLowerCase();
  if (['yes', 'y', 'true', '1', 'paid', 'on'].includes(word)) return true;
  if (['no', 'n', 'false', '0', 'unpaid', 'off'].includes(word)) return false;
  return null;
}

/** The field's value from its raw text, or null when the text does not have the field's type. */
export function coerceFieldValue(raw: string, field: ExtractionField): FieldValue {
  switch (field.type) {
    case 'string':
      return raw.trim();
    case 'number':
      return parseNumber(raw);
    case 'integer': {
      const value = parseNumber(raw);
      return value !== null && Number.isInteger(value) ? value : null;
    }
    case 'boolean':
      return parseBoolean(raw);
    case 'date':
      return parseDate(raw);
    case 'enum':
      return field.values?.find((value) => value.toLowerCase() === raw.trim().toLowerCase()) ?? null;
    case 'list': {
      const items = raw
        .split(/[,;]/)
        .map((item) => item.trim())
        .filter((item) => item !== '');
      return items.length > 0 ? items : null;
    }
  }
}

/** The document's value of `field`: null when no line names it. */
export function readFieldValue(lines: readonly LabelledLine[], field: ExtractionField): FieldValue {
  const raw = findFieldText(lines, field.name);
  return raw === undefined ? null : coerceFieldValue(raw, field);
}

function sameText(a: string, b: string): boolean {
  return a.trim().replace(/\s+/g, ' ').toLowerCase() === b.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Whether two values of a field mean the same thing (case and spacing of text do not matter). */
export function sameFieldValue(a: unknown, b: unknown): boolean {
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
  if (typeof a === 'string' && typeof b === 'string') return sameText(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => typeof item === 'string' && sameText(item, String(b[index])));
  }
  return a === b;
}
