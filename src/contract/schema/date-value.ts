import { GB, casual } from 'chrono-node/en';

/**
 * Calendar dates as documents write them: ISO ("2024-03-05", "2024-03", "2024"), and written forms
 * ("March 5, 2024", "5 Mar 2024", "Sept. 2019", "03/05/2024", "05.03.2024") read by chrono-node. A
 * date keeps its precision: "May 2019" is a month, not the 1st of May. Slashed all-number dates are
 * month first ("03/05/2024" is March 5) unless `dayFirst`; a day above 12 settles it either way.
 * Relative expressions ("today", "3 days ago") and ranges are not dates of a document and read as
 * null, as do words such as "Present".
 */

export interface CalendarDate {
  year: number;
  month?: number;
  day?: number;
}

export interface DateReadOptions {
  dayFirst?: boolean;
}

// chrono needs a reference instant; it only matters for dates without a year, which are refused.
const REFERENCE = new Date(Date.UTC(2000, 0, 1));

function validDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Reads a calendar date (with its precision), or null. */
export function parseDate(value: unknown, options: DateReadOptions = {}): CalendarDate | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1000 && value <= 2999 ? { year: value } : null;
  if (typeof value !== 'string') return null;
  const text = value.normalize('NFKC').trim();
  if (text === '') return null;
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (iso) {
    const [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    return validDay(year, month, day) ? { year, month, day } : null;
  }
  const yearMonth = /^(\d{4})[-/.](\d{1,2})$/.exec(text);
  if (yearMonth) {
    const [year, month] = [Number(yearMonth[1]), Number(yearMonth[2])];
    return month >= 1 && month <= 12 ? { year, month } : null;
  }
  if (/^\d{4}$/.test(text)) return { year: Number(text) };
  return parseWrittenDate(text, options);
}

function parseWrittenDate(text: string, options: DateReadOptions): CalendarDate | null {
  if (!/\d/.test(text)) return null;
  const results = (options.dayFirst ? GB : casual).parse(text, REFERENCE, { forwardDate: false });
  const [result] = results;
  if (!result || results.length !== 1 || result.end) return null;
  // The date must be the whole text, give or take punctuation ("on" or "due" would be a sentence).
  const rest = text.slice(0, result.index) + text.slice(result.index + result.text.length);
  if (!/^[\s,.;:()]*$/.test(rest)) return null;
  if ([...result.tags()].some((tag) => /relative|casual/i.test(tag))) return null;
  const start = result.start;
  if (!start.isCertain('year')) return null;
  const year = start.get('year');
  const month = start.isCertain('month') ? start.get('month') : null;
  const day = start.isCertain('day') ? start.get('day') : null;
  if (year === null) return null;
  if (month === null) return { year };
  if (day === null) return { year, month };
  return validDay(year, month, day) ? { year, month, day } : null;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** ISO form at the date's precision: "2024", "2024-03", "2024-03-05". */
export function formatDate(date: CalendarDate): string {
  if (date.month === undefined) return String(date.year);
  if (date.day === undefined) return `${date.year}-${pad(date.month)}`;
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}

/**
 * Two dates match when they agree at the precision both have: "2019-05-14" and "May 2019" match,
 * "2019-05-14" and "2019-05-15" do not.
 */
export function datesMatch(expected: CalendarDate, actual: CalendarDate): boolean {
  if (expected.year !== actual.year) return false;
  if (expected.month === undefined || actual.month === undefined) return true;
  if (expected.month !== actual.month) return false;
  return expected.day === undefined || actual.day === undefined || expected.day === actual.day;
}
