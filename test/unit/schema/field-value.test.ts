import { describe, expect, it } from 'vitest';
import { formatDate, parseDate } from '../../../src/contract/schema/date-value.ts';
import { compareLeafValues, readLeafValue } from '../../../src/contract/schema/field-value.ts';
import { parseMoney, parseNumber } from '../../../src/contract/schema/number-value.ts';
import type { SchemaNode } from '../../../src/contract/schema/schema-node.ts';
import { normaliseText, parseBoolean, semanticallyClose, similarity } from '../../../src/contract/schema/text-value.ts';

const node = (kind: SchemaNode['kind'], extra: object = {}) => ({ kind, nullable: true, ...extra }) as SchemaNode;
const compare = (leaf: SchemaNode, expected: unknown, actual: unknown) => compareLeafValues(leaf, expected, actual).correct;

describe('numbers as documents write them', () => {
  it.each([
    ['1.234,56 €', 1234.56],
    ['€1,234.56', 1234.56],
    ['1 234,56', 1234.56],
    ['1\u00a0234,56 EUR', 1234.56],
    ["CHF 1'234.50", 1234.5],
    ['1234,5', 1234.5],
    ['1,234', 1234],
    ['1,234,567', 1234567],
    ['1.234.567', 1234567],
    ['1.234.567,89', 1234567.89],
    ['12,34,567', 1234567],
    ['1.234', 1.234],
    ['0.5', 0.5],
    [',5', 0.5],
    ['(1,234.00)', -1234],
    ['-$12.50', -12.5],
    ['$-12.50', -12.5],
    ['12.50-', -12.5],
    ['\u221212', -12],
    ['12 %', 12],
    ['$2.5 million', 2500000],
    ['3bn', 3e9],
    ['40k', 40000],
    ['1e3', 1000],
    [42, 42],
  ])('reads %j as %d', (text, value) => {
    expect(parseNumber(text)).toBeCloseTo(value, 9);
  });

  it.each(['', 'n/a', '1,2,3', '1.2.3,4.5', '12 apples', 'one', '1..2', NaN, null, true])('refuses %j', (text) => {
    expect(parseNumber(text)).toBeNull();
  });

  it('reads "1.234" as thousands when the document uses a decimal comma', () => {
    expect(parseNumber('1.234', { decimal: ',' })).toBe(1234);
    expect(parseNumber('1,234', { decimal: ',' })).toBe(1.234);
    expect(parseNumber('1,234', { decimal: '.' })).toBe(1234);
  });

  it('keeps the currency it was written with', () => {
    expect(parseMoney('1.234,56 €')).toEqual({ amount: 1234.56, currency: 'EUR' });
    expect(parseMoney('USD 10')).toEqual({ amount: 10, currency: 'USD' });
    expect(parseMoney('£3')).toEqual({ amount: 3, currency: 'GBP' });
    expect(parseMoney('10')).toEqual({ amount: 10 });
  });
});

describe('dates as documents write them', () => {
  it.each([
    ['2024-03-05', '2024-03-05'],
    ['2024-03-05T10:00:00Z', '2024-03-05'],
    ['March 5, 2024', '2024-03-05'],
    ['5 March 2024', '2024-03-05'],
    ['5th Mar. 2024', '2024-03-05'],
    ['Tue, 5 Mar 2024', '2024-03-05'],
    ['03/05/2024', '2024-03-05'],
    ['24.03.2022', '2022-03-24'],
    ['May 2019', '2019-05'],
    ['Sept. 2019', '2019-09'],
    ['2019-05', '2019-05'],
    ['2019', '2019'],
    [2019, '2019'],
  ])('reads %j as %s', (text, iso) => {
    const date = parseDate(text);
    expect(date && formatDate(date)).toBe(iso);
  });

  it.each(['today', '3 days ago', 'next Friday', 'Present', '2024-02-30', 'Jan 2020 - Mar 2021', 'due on 5 March 2024 or later', 'FY2025 Q2', '5 March', 12])('refuses %j', (text) => {
    expect(parseDate(text)).toBeNull();
  });

  it('reads all-number dates day first when told to', () => {
    const date = parseDate('03/05/2024', { dayFirst: true });
    expect(date && formatDate(date)).toBe('2024-05-03');
  });
});

describe('text', () => {
  it('normalises case, accents, punctuation and spacing', () => {
    expect(normaliseText('  Hewlett-Packard   Co.  ')).toBe('hewlett packard co');
    expect(normaliseText('Müller & Söhne')).toBe('muller sohne');
    expect(normaliseText(' A  b ', 'exact')).toBe('A b');
    expect(normaliseText('ÄB', 'case_insensitive')).toBe('äb');
  });

  it('measures similarity and judges closeness without a model', () => {
    expect(similarity('JPMorgan Chase Bank, N.A.', 'JPMorgan Chase Bank NA')).toBeGreaterThan(0.9);
    expect(semanticallyClose('A Survey on RAG Meeting LLMs', 'ASurvey on RAGMeetingLLMs')).toBe(true);
    expect(semanticallyClose('State of New York', 'England and Wales')).toBe(false);
  });

  it('reads booleans in the usual words', () => {
    expect([true, 'Yes', 'y', '1', 1, 'checked'].map(parseBoolean)).toEqual([true, true, true, true, true, true]);
    expect([false, 'No', 'false', '0', 0].map(parseBoolean)).toEqual([false, false, false, false, false]);
    expect(['maybe', 2, null].map(parseBoolean)).toEqual([null, null, null]);
  });
});

describe('comparing a leaf', () => {
  it('compares numbers as numbers, to the cent by default', () => {
    const amount = node('number');
    expect(compare(amount, 1234.56, '1.234,56 €')).toBe(true);
    expect(compare(amount, '1,234.56', 1234.56)).toBe(true);
    expect(compare(amount, 1234.56, 1234.6)).toBe(false);
    expect(compare(amount, 10, 10.004)).toBe(true);
  });

  it('never matches two different currencies', () => {
    expect(compare(node('number'), '€100', '$100')).toBe(false);
    expect(compare(node('number'), '€100', '100')).toBe(true);
  });

  it('honours a tolerance hint and integer exactness', () => {
    expect(compare(node('number', { match: { metric: 'number', tolerance: 0.001 } }), 1.19, 1.1905)).toBe(true);
    expect(compare(node('number', { match: { metric: 'number', tolerance: 0 } }), 1.19, 1.1905)).toBe(false);
    expect(compare(node('integer'), 3, 3.2)).toBe(false);
    expect(compare(node('integer'), 3, '3')).toBe(true);
  });

  it('compares dates as calendar days, at their shared precision', () => {
    const date = node('date');
    expect(compare(date, '2014-09-05', 'September 5, 2014')).toBe(true);
    expect(compare(date, '2014-09-05', '2014-09-06')).toBe(false);
    expect(compare(date, 'May 2019', '2019-05-14')).toBe(true);
    expect(compare(date, 'May 2019', '2019-06')).toBe(false);
  });

  it('compares strings by their hint', () => {
    expect(compare(node('string'), 'Acme, Inc.', 'ACME Inc')).toBe(true);
    expect(compare(node('string', { match: { metric: 'exact' } }), 'Acme Inc', 'ACME Inc')).toBe(false);
    expect(compare(node('string', { match: { metric: 'exact' } }), 'Acme  Inc ', 'Acme Inc')).toBe(true);
    expect(compare(node('string', { match: { metric: 'case_insensitive' } }), 'Acme Inc', 'ACME INC')).toBe(true);
    expect(compare(node('string', { match: { metric: 'fuzzy', threshold: 0.8 } }), 'Fusao TAKAHASHI', 'Fusao TAKAHASI')).toBe(true);
    expect(compare(node('string', { match: { metric: 'fuzzy', threshold: 0.8 } }), 'Fusao TAKAHASHI', 'Kazuo YASUIKE')).toBe(false);
  });

  it('compares enums without regard to case, booleans by meaning', () => {
    expect(compare(node('enum', { values: ['Preprint'] }), 'Preprint', 'preprint')).toBe(true);
    expect(compare(node('boolean'), true, 'yes')).toBe(true);
    expect(compare(node('boolean'), true, false)).toBe(false);
  });

  it('matches absent only with absent', () => {
    expect(compare(node('string'), null, '')).toBe(true);
    expect(compare(node('string'), null, undefined)).toBe(true);
    expect(compare(node('string'), null, 'x')).toBe(false);
    expect(compare(node('string'), 'x', null)).toBe(false);
  });

  it('compares a union by the alternative the expected value is', () => {
    const rank = node('union', { options: [node('integer'), node('string')] });
    expect(compare(rank, 1, '1')).toBe(true);
    expect(compare(rank, 'DNF', 'dnf')).toBe(true);
    expect(compare(rank, 1, 2)).toBe(false);
  });
});

describe('reading a leaf as its kind', () => {
  it('gives the typed value or null', () => {
    expect(readLeafValue(node('number'), '1.234,56 €')).toBe(1234.56);
    expect(readLeafValue(node('integer'), '12.5')).toBeNull();
    expect(readLeafValue(node('date'), 'March 5, 2024')).toBe('2024-03-05');
    expect(readLeafValue(node('enum', { values: ['Open', 'Paid'] }), ' paid ')).toBe('Paid');
    expect(readLeafValue(node('enum', { values: ['Open', 'Paid'] }), 'late')).toBeNull();
    expect(readLeafValue(node('boolean'), 'no')).toBe(false);
    expect(readLeafValue(node('string'), '  x ')).toBe('x');
    expect(readLeafValue(node('union', { options: [node('integer'), node('string')] }), '7')).toBe('7');
    expect(readLeafValue(node('union', { options: [node('integer'), node('string')] }), 7)).toBe(7);
  });
});
