/**
 * Numbers as documents write them. One reader for scoring, the simulator and the dashboard, so that
 * "1.234,56 €" is 1234.56 everywhere:
 * - a currency symbol or ISO code before or after the figure is set aside (and reported);
 * - spaces (also no-break and thin spaces) and apostrophes group thousands: "1 234", "1'234";
 * - with both "." and ",", the later one is the decimal separator: "1,234.56", "1.234,56";
 * - with one kind only, several occurrences group thousands ("1.234.567"); a single one is decimal
 *   unless exactly three digits follow, which is read as thousands for "," ("1,234" is 1234) and as a
 *   decimal point for "." ("1.234" is 1.234) — unless `decimal` says which separator the document uses;
 * - "(1,234)" and a trailing "-" are negative (accounting); "−" is a minus; "12 %" is 12;
 * - a scale word multiplies: "2.5 million", "3bn", "40k".
 */

export interface MoneyValue {
  amount: number;
  /** ISO 4217 code when the text named one or a symbol that maps to one. */
  currency?: string;
}

export interface NumberReadOptions {
  /** The document's decimal separator, when known (e.g. from its locale). */
  decimal?: '.' | ',';
}

const SYMBOLS: Record<string, string> = { '€': 'EUR', $: 'USD', US$: 'USD', '£': 'GBP', '¥': 'JPY', '₹': 'INR', '₩': 'KRW', '₽': 'RUB', '₺': 'TRY', 'CHF': 'CHF', 'Fr.': 'CHF', 'R$': 'BRL', 'kr': 'SEK', 'zł': 'PLN' };
const SCALES: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  mm: 1e6,
  mn: 1e6,
  mio: 1e6,
  million: 1e6,
  millions: 1e6,
  b: 1e9,
  bn: 1e9,
  billion: 1e9,
  billions: 1e9,
  trillion: 1e12,
};

const CURRENCY_PREFIX = /^(US\$|R\$|[€$£¥₹₩₽₺]|[A-Z]{3}(?=[\s\d.,(−-])|Fr\.)\s*/u;
const CURRENCY_SUFFIX = /\s*(US\$|[€$£¥₹₩₽₺]|[A-Z]{3}|kr|zł)$/u;

/** Reads a number, or null when the text is not one number. */
export function parseNumber(value: unknown, options: NumberReadOptions = {}): number | null {
  return parseMoney(value, options)?.amount ?? null;
}

/** Reads an amount and the currency written with it. */
export function parseMoney(value: unknown, options: NumberReadOptions = {}): MoneyValue | null {
  if (typeof value === 'number') return Number.isFinite(value) ? { amount: value } : null;
  if (typeof value !== 'string') return null;
  let text = value.normalize('NFKC').trim().replace(/[\u00a0\u2009\u202f]/g, ' ').replaceAll('\u2212', '-');
  let negative = false;
  if (/^\(.*\)$/.test(text)) {
    negative = true;
    text = text.slice(1, -1).trim();
  }
  let currency: string | undefined;
  const takeCurrency = (match: RegExpExecArray | null, from: 'start' | 'end') => {
    if (!match) return;
    const token = match[1] ?? '';
    currency = SYMBOLS[token] ?? (/^[A-Z]{3}$/.test(token) ? token : currency);
    text = from === 'start' ? text.slice(match[0].length) : text.slice(0, text.length - match[0].length);
  };
  if (text.startsWith('-')) {
    negative = !negative;
    text = text.slice(1).trim();
  }
  takeCurrency(CURRENCY_PREFIX.exec(text), 'start');
  takeCurrency(CURRENCY_SUFFIX.exec(text), 'end');
  text = text.trim();
  if (text.startsWith('-')) {
    negative = !negative;
    text = text.slice(1).trim();
  } else if (text.endsWith('-')) {
    negative = !negative;
    text = text.slice(0, -1).trim();
  }
  text = text.replace(/\s*%$/, '');
  let scale = 1;
  const scaled = /^(.*?\d)\s*([A-Za-z]+)\.?$/.exec(text);
  if (scaled) {
    const factor = SCALES[(scaled[2] ?? '').toLowerCase()];
    if (factor === undefined) return null;
    scale = factor;
    text = scaled[1] ?? '';
  }
  const digits = normaliseSeparators(text, options.decimal);
  if (digits === null) return null;
  const amount = Number(digits) * scale * (negative ? -1 : 1);
  if (!Number.isFinite(amount)) return null;
  return currency ? { amount, currency } : { amount };
}

/** The figure with "." as its only separator, or null when it is not a well-formed number. */
function normaliseSeparators(raw: string, decimal: '.' | ',' | undefined): string | null {
  const text = raw.replace(/[ ']/g, '');
  if (/^\d+(\.\d+)?e[+-]?\d+$/i.test(text)) return text;
  if (!/^(\d[\d.,]*|[.,]\d+)$/.test(text)) return null;
  const dots = text.split('.').length - 1;
  const commas = text.split(',').length - 1;
  let decimalMark: '.' | ',' | undefined;
  if (dots > 0 && commas > 0) decimalMark = text.lastIndexOf('.') > text.lastIndexOf(',') ? '.' : ',';
  else if (dots + commas === 1) {
    const mark = dots === 1 ? '.' : ',';
    const after = text.length - text.indexOf(mark) - 1;
    if (decimal) decimalMark = decimal === mark ? mark : undefined;
    else decimalMark = mark === ',' && after === 3 && !text.startsWith(',') ? undefined : mark;
  } else if (decimal && (dots > 1 || commas > 1)) {
    decimalMark = undefined;
  }
  const grouping = decimalMark === '.' ? ',' : decimalMark === ',' ? '.' : dots > 0 ? '.' : ',';
  const [whole = '', fraction, extra] = text.split(decimalMark ?? '\u0000');
  if (extra !== undefined) return null;
  if (!wellGrouped(whole, grouping)) return null;
  return fraction === undefined ? whole.replaceAll(grouping, '') : `${whole.replaceAll(grouping, '') || '0'}.${fraction}`;
}

/** "1,234,567" groups by threes after the first group; "12,34" does not. */
function wellGrouped(whole: string, grouping: string): boolean {
  if (!whole.includes(grouping)) return /^\d*$/.test(whole);
  const groups = whole.split(grouping);
  // Indian grouping (12,34,567) is accepted too: groups of two before the last three.
  const [first, ...rest] = groups;
  const last = rest.at(-1) ?? '';
  return /^\d{1,3}$/.test(first ?? '') && last.length === 3 && rest.every((group) => /^\d{2,3}$/.test(group));
}

/** Equal within `tolerance` (absolute), beyond floating-point noise. */
export function numbersMatch(expected: number, actual: number, tolerance: number): boolean {
  return Math.abs(expected - actual) <= tolerance + Number.EPSILON * Math.max(1, Math.abs(expected), Math.abs(actual)) * 4;
}
