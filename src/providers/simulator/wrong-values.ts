import type { ExtractionField, FieldValue } from '../../domain/extraction-schema.ts';
import { sameFieldValue } from './document-reader.ts';

/**
 * The kind of mistake an extraction model makes: a misread digit, a cut-off string, an off-by-one
 * day, a neighbouring enum value, a missed list item, an invented value for an absent field, or a
 * null. `draw` (in [0, 1)) picks which, so the mistake is as deterministic as the decision to err.
 * The result always differs from `truth`, so a validator can catch it.
 */
export function wrongValue(truth: FieldValue, field: ExtractionField, draw: number): FieldValue {
  const candidate = mistake(truth, field, draw);
  if (!sameFieldValue(candidate, truth)) return candidate;
  return truth === null ? invented(field) : null;
}

function changeADigit(text: string, draw: number): string | undefined {
  const positions = [...text].flatMap((char, index) => (/\d/.test(char) ? [index] : []));
  if (positions.length === 0) return undefined;
  const position = positions[Math.floor(draw * positions.length)] ?? positions[0]!;
  const digit = Number(text[position]);
  return text.slice(0, position) + String((digit + 1 + Math.floor(draw * 8)) % 10) + text.slice(position + 1);
}

function invented(field: ExtractionField): FieldValue {
  switch (field.type) {
    case 'string':
      return 'N/A';
    case 'number':
      return 0;
    case 'integer':
      return 1;
    case 'boolean':
      return false;
    case 'date':
      return '2024-01-01';
    case 'enum':
      return field.values?.[0] ?? null;
    case 'list':
      return ['N/A'];
  }
}

function shiftDate(iso: string, days: number): string {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function mistake(truth: FieldValue, field: ExtractionField, draw: number): FieldValue {
  // An absent field gets an invented value; a present one is missed outright one time in five.
  if (truth === null) return invented(field);
  if (draw < 0.2) return null;
  const rest = (draw - 0.2) / 0.8;
  switch (field.type) {
    case 'string': {
      const text = String(truth);
      const misread = rest < 0.5 ? changeADigit(text, rest * 2) : undefined;
      if (misread !== undefined) return misread;
      return text.length > 3 ? text.slice(0, Math.max(1, Math.ceil(text.length * 0.6))) : null;
    }
    case 'number': {
      const value = Number(truth);
      if (rest < 0.6) {
        const misread = changeADigit(String(value), rest / 0.6);
        if (misread !== undefined && Number.isFinite(Number(misread))) return Number(misread);
      }
      return value * 10;
    }
    case 'integer':
      return Number(truth) + (rest < 0.5 ? 1 : -1);
    case 'boolean':
      return !truth;
    case 'date': {
      const iso = String(truth);
      const [year, month, day] = iso.split('-');
      // Swapping day and month is the classic US/European misreading, when it yields a real date.
      const swapped = `${year}-${day}-${month}`;
      if (rest < 0.4 && swapped !== iso && !Number.isNaN(Date.parse(`${swapped}T00:00:00Z`)) && Number(day) <= 12) {
        return swapped;
      }
      return shiftDate(iso, rest < 0.7 ? 1 : -1);
    }
    case 'enum': {
      const others = (field.values ?? []).filter((value) => value !== truth);
      return others[Math.floor(rest * others.length)] ?? null;
    }
    case 'list': {
      const items = Array.isArray(truth) ? truth : [String(truth)];
      return items.length > 1 ? items.slice(0, -1) : null;
    }
  }
}
