import { datesMatch, formatDate, parseDate, type DateReadOptions } from './date-value.ts';
import { numbersMatch, parseMoney, parseNumber, type NumberReadOptions } from './number-value.ts';
import type { MatchHint, SchemaNode } from './schema-node.ts';
import { normaliseText, parseBoolean, semanticallyClose, similarAtLeast, textsMatch } from './text-value.ts';
import { unionOptionFor } from './union-option.ts';

/**
 * One leaf value, read and compared by the leaf's kind: the single rule that scoring, the provider
 * simulator and the dashboard share.
 *
 * Comparison (`compareLeafValues`), expected first:
 * - absent (null, missing, blank text, empty list) matches only absent;
 * - number / integer: both read by `parseNumber` (locale forms, currency, scale words), equal within
 *   the hint's tolerance, else 0.005 for numbers (half a cent) and 0 for integers; two different
 *   currencies written out never match;
 * - boolean: true/yes/1 against false/no/0;
 * - date: calendar dates in any common written form, equal at their shared precision;
 * - enum: case-insensitive (providers do not guarantee an enum value's capitalisation);
 * - string: by the leaf's hint — `exact`, `case_insensitive`, `normalised` (the default: case,
 *   accents, punctuation and spacing ignored), `fuzzy` (similarity ≥ threshold, 0.8 by default) or
 *   `semantic` (the deterministic stand-in for an LLM judge, see `semanticallyClose`);
 * - a union of scalars: by the alternative the expected value is an instance of.
 * A value that cannot be read as its kind (a number leaf holding "n/a") is compared as normalised text.
 */

export type LeafReadOptions = NumberReadOptions & DateReadOptions;

export interface LeafComparison {
  correct: boolean;
  /** How the two were compared, for reports: `number±0.005`, `date`, `text:normalised`, `fuzzy≥0.8`... */
  method: string;
}

/** Null, undefined, blank text and an empty list all mean "not in the document". */
export function isAbsent(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  return Array.isArray(value) && value.length === 0;
}

export function compareLeafValues(node: SchemaNode, expected: unknown, actual: unknown, options: LeafReadOptions = {}): LeafComparison {
  if (isAbsent(expected) || isAbsent(actual)) return { correct: isAbsent(expected) && isAbsent(actual), method: 'absent' };
  return compareWith(node, node.match, expected, actual, options);
}

function compareWith(node: SchemaNode, hint: MatchHint | undefined, expected: unknown, actual: unknown, options: LeafReadOptions): LeafComparison {
  switch (node.kind) {
    case 'union': {
      const option = unionOptionFor(node.options, expected) ?? node.options[0];
      return option ? compareWith(option, option.match ?? hint, expected, actual, options) : asText(hint, expected, actual);
    }
    case 'number':
    case 'integer':
      return compareNumbers(node.kind, hint, expected, actual, options);
    case 'boolean': {
      const [a, b] = [parseBoolean(expected), parseBoolean(actual)];
      return a === null || b === null ? asText(hint, expected, actual) : { correct: a === b, method: 'boolean' };
    }
    case 'date': {
      const [a, b] = [parseDate(expected, options), parseDate(actual, options)];
      return a === null || b === null ? asText(hint, expected, actual) : { correct: datesMatch(a, b), method: 'date' };
    }
    case 'enum':
      return { correct: textsMatch(expected, actual, 'case_insensitive'), method: 'enum' };
    case 'string':
      if (hint?.metric === 'number') return compareNumbers('number', hint, expected, actual, options);
      return asText(hint, expected, actual);
    default:
      // Containers are not leaves; comparing them as text keeps a malformed value from passing.
      return { correct: JSON.stringify(expected) === JSON.stringify(actual), method: 'json' };
  }
}

function compareNumbers(
  kind: 'number' | 'integer',
  hint: MatchHint | undefined,
  expected: unknown,
  actual: unknown,
  options: LeafReadOptions,
): LeafComparison {
  const [a, b] = [parseMoney(expected, options), parseMoney(actual, options)];
  if (a === null || b === null) return asText(hint?.metric === 'number' ? undefined : hint, expected, actual);
  const tolerance = hint?.tolerance ?? (kind === 'integer' ? 0 : 0.005);
  const sameCurrency = a.currency === undefined || b.currency === undefined || a.currency === b.currency;
  return { correct: sameCurrency && numbersMatch(a.amount, b.amount, tolerance), method: `number±${tolerance}` };
}

function asText(hint: MatchHint | undefined, expected: unknown, actual: unknown): LeafComparison {
  switch (hint?.metric) {
    case 'exact':
      return { correct: textsMatch(expected, actual, 'exact'), method: 'text:exact' };
    case 'case_insensitive':
      return { correct: textsMatch(expected, actual, 'case_insensitive'), method: 'text:case_insensitive' };
    case 'fuzzy': {
      const threshold = hint.threshold ?? 0.8;
      return { correct: similarAtLeast(expected, actual, threshold), method: `fuzzy≥${threshold}` };
    }
    case 'semantic':
      return { correct: semanticallyClose(expected, actual), method: 'semantic (deterministic)' };
    default:
      return { correct: textsMatch(expected, actual, 'normalised'), method: 'text:normalised' };
  }
}

/**
 * A value read as the leaf's kind, in the form extracted data holds it: a number, a boolean, an ISO
 * date at its precision, the enum's own spelling of the value, or trimmed text; null when the value
 * is absent or cannot be read as that kind. A union tries the alternative the value looks like first.
 */
export function readLeafValue(node: SchemaNode, value: unknown, options: LeafReadOptions = {}): string | number | boolean | null {
  if (isAbsent(value)) return null;
  switch (node.kind) {
    case 'number':
      return parseNumber(value, options);
    case 'integer': {
      const number = parseNumber(value, options);
      return number !== null && Number.isInteger(number) ? number : null;
    }
    case 'boolean':
      return parseBoolean(value);
    case 'date': {
      const date = parseDate(value, options);
      return date ? formatDate(date) : null;
    }
    case 'enum': {
      const wanted = normaliseText(value, 'case_insensitive');
      return node.values.find((candidate) => normaliseText(candidate, 'case_insensitive') === wanted) ?? null;
    }
    case 'string':
      return typeof value === 'string' ? value.trim() : typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;
    case 'union': {
      const first = unionOptionFor(node.options, value);
      for (const option of first ? [first, ...node.options.filter((candidate) => candidate !== first)] : node.options) {
        const read = readLeafValue(option, value, options);
        if (read !== null) return read;
      }
      return null;
    }
    default:
      return null;
  }
}
