/**
 * The values a document's written numbers and dates can stand for. A written form can be read more
 * than one way — "1.234" is 1234 in Germany and 1.234 in the US, "03/04/2026" is March 4 or April 3,
 * "(91.1)" is −91.1 to an accountant and 91.1 to a model that dropped the sign — so each yields every
 * reading, and a value is found where any reading equals it. This is for finding values, not for
 * judging them: scoring keeps its own, stricter normalisation.
 */
export interface WrittenValue {
  start: number;
  end: number;
  values: number[];
}

export interface WrittenDate {
  start: number;
  end: number;
  /** ISO days, `YYYY-MM-DD`. */
  days: string[];
}

// Digits with `,` `.` `'` between groups, optionally signed, bracketed or with a currency sign.
const NUMBER = /(?<![\p{L}\p{N}])(\()?([-−])?\s?([$€£¥])?\s?(\d+(?:[,.'’]\d+)*)(?![\p{N}])(\))?(\s?%)?(?:\s?(thousand|million|billion|mn|bn)\b)?/giu;
// Thousands grouped by spaces ("1 234 567,50"), read as one number besides its groups read alone.
const SPACED_NUMBER = /(?<![\p{L}\p{N}.,])\d{1,3}(?:[  \u202f]\d{3})+(?:[.,]\d+)?(?![\p{N}])/gu;
const SCALES: Record<string, number> = { thousand: 1e3, million: 1e6, mn: 1e6, billion: 1e9, bn: 1e9 };

export function writtenNumbers(text: string): WrittenValue[] {
  const found: WrittenValue[] = [];
  for (const match of text.matchAll(NUMBER)) {
    const [, open, sign, , digits, close, percent, scale] = match;
    const readings = digitReadings(digits!);
    if (readings.length === 0) continue;
    const negative = sign !== undefined || (open !== undefined && close !== undefined);
    const values = new Set<number>();
    for (const reading of readings) {
      values.add(reading);
      if (negative) values.add(-reading);
      if (percent) values.add(round(reading / 100));
      if (scale) values.add(round(reading * SCALES[scale.toLowerCase()]!));
    }
    // The span is the number with its sign, without brackets, percent or scale words around it.
    // (Nothing before the digits in the match is a digit, so indexOf finds them.)
    const digitsStart = match.index + match[0].indexOf(digits!);
    const start = sign ? match.index + match[0].indexOf(sign) : digitsStart;
    found.push({ start, end: digitsStart + digits!.length, values: [...values] });
  }
  for (const match of text.matchAll(SPACED_NUMBER)) {
    const digits = match[0].replace(/[  \u202f]/g, '');
    found.push({ start: match.index, end: match.index + match[0].length, values: digitReadings(digits) });
  }
  return found;
}

/** Every number a run of digits and separators can be. */
export function digitReadings(digits: string): number[] {
  const separators = [...digits.matchAll(/[,.'’]/g)].map((match) => match[0]);
  if (separators.length === 0) return [Number(digits)];
  const groups = digits.split(/[,.'’]/);
  const last = separators.at(-1)!;
  const distinct = new Set(separators);
  const readings: number[] = [];
  const thousandsValid = (parts: string[]) => parts.slice(1).every((part) => part.length === 3) && parts[0]!.length <= 3;
  if (distinct.size === 1) {
    // One kind of separator: thousands when every group after the first has three digits, a
    // decimal point when it appears once; "1,234" and "1.234" are both.
    if (thousandsValid(groups)) readings.push(Number(groups.join('')));
    if (separators.length === 1 && last !== "'" && last !== '’') readings.push(Number(`${groups[0]}.${groups[1]}`));
  } else if (distinct.size === 2 && separators.indexOf(last) === separators.length - 1) {
    // Two kinds, the last used once: it is the decimal separator ("1,234.50", "1.234,50", "1'234.50").
    const integer = groups.slice(0, -1);
    if (thousandsValid(integer)) readings.push(Number(`${integer.join('')}.${groups.at(-1)}`));
  }
  return readings.filter((value) => Number.isFinite(value));
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const DAY = '(\\d{1,2})(?:st|nd|rd|th)?';
const DATE_PATTERNS: { pattern: RegExp; days: (match: RegExpMatchArray) => (string | undefined)[] }[] = [
  { pattern: /(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/g, days: (m) => [day(m[1], m[2], m[3])] },
  {
    // 03/04/2026, 3.4.26, 03-04-2026: month first in the US, day first elsewhere.
    pattern: /(?<![\d/.-])(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?![\d/.-])/g,
    days: (m) => [day(year(m[4]!), m[1], m[3]), day(year(m[4]!), m[3], m[1])],
  },
  { pattern: new RegExp(`\\b${MONTH}\\s+${DAY},?\\s+(\\d{4})\\b`, 'gi'), days: (m) => [day(m[3], month(m[1]!), m[2])] },
  { pattern: new RegExp(`\\b${DAY}\\s+(?:of\\s+)?${MONTH},?\\s+(\\d{4})\\b`, 'gi'), days: (m) => [day(m[3], month(m[2]!), m[1])] },
];

export function writtenDates(text: string): WrittenDate[] {
  const found: WrittenDate[] = [];
  for (const { pattern, days } of DATE_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const valid = [...new Set(days(match).filter((value): value is string => value !== undefined))];
      if (valid.length > 0) found.push({ start: match.index, end: match.index + match[0].length, days: valid });
    }
  }
  return found;
}

/** The ISO day a value names, if it is one: `2026-03-04` or an ISO timestamp. */
export function isoDay(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(value.trim());
  return match ? day(match[1], match[2], match[3]) : undefined;
}

function month(name: string): string {
  return String(MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1);
}

function year(written: string): string {
  if (written.length === 4) return written;
  const short = Number(written);
  return String(short < 70 ? 2000 + short : 1900 + short);
}

function day(y: string | undefined, m: string | undefined, d: string | undefined): string | undefined {
  const [yy, mm, dd] = [Number(y), Number(m), Number(d)];
  if (!(mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31)) return undefined;
  const date = new Date(Date.UTC(yy, mm - 1, dd));
  if (date.getUTCMonth() !== mm - 1) return undefined;
  return date.toISOString().slice(0, 10);
}

function round(value: number): number {
  return Number(value.toPrecision(12));
}
