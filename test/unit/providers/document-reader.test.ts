import { describe, expect, it } from 'vitest';
import type { ExtractionField } from '../../../src/domain/extraction-schema.ts';
import {
  coerceFieldValue,
  parseDate,
  parseNumber,
  readFieldValue,
  readLabelledLines,
} from '../../../src/providers/simulator/document-reader.ts';
import { wrongValue } from '../../../src/providers/simulator/wrong-values.ts';
import { invoiceSchema } from '../../fixtures/providers/synthetic-documents.ts';

const field = (name: string): ExtractionField => invoiceSchema.fields.find((candidate) => candidate.name === name)!;

describe('simulated reading of a document', () => {
  it('matches a field by its name or its words, case-insensitively', () => {
    const lines = readLabelledLines('INVOICE NUMBER: INV-7\nTotalAmount: 10\nnote: at 10:30');
    expect(readFieldValue(lines, field('invoice_number'))).toBe('INV-7');
    expect(readFieldValue(lines, field('total_amount'))).toBe(10);
    expect(readFieldValue(lines, field('paid'))).toBeNull();
    expect(lines.at(-1)).toEqual({ label: 'note', value: 'at 10:30' });
  });

  it('reads numbers with currency symbols and separators', () => {
    expect(parseNumber('$1,234.56')).toBe(1234.56);
    expect(parseNumber('1.234,56 €')).toBe(1234.56);
    expect(parseNumber('EUR 12,5')).toBe(12.5);
    expect(parseNumber('(42.00)')).toBe(-42);
    expect(parseNumber('n/a')).toBeNull();
  });

  it('normalises dates to YYYY-MM-DD', () => {
    expect(parseDate('2024-3-5')).toBe('2024-03-05');
    expect(parseDate('March 5, 2024')).toBe('2024-03-05');
    expect(parseDate('5th Mar 2024')).toBe('2024-03-05');
    expect(parseDate('03/05/2024')).toBe('2024-03-05');
    expect(parseDate('25/12/2024')).toBe('2024-12-25');
    expect(parseDate('05.03.2024')).toBe('2024-03-05');
    expect(parseDate('2024-02-30')).toBeNull();
  });

  it('coerces booleans, enums and lists', () => {
    expect(coerceFieldValue('Yes', field('paid'))).toBe(true);
    expect(coerceFieldValue('false', field('paid'))).toBe(false);
    expect(coerceFieldValue('eur', field('currency'))).toBe('EUR');
    expect(coerceFieldValue('yen', field('currency'))).toBeNull();
    expect(coerceFieldValue('a, b; c', field('tags'))).toEqual(['a', 'b', 'c']);
    expect(coerceFieldValue('3.5', field('line_count'))).toBeNull();
  });

  it('makes plausible mistakes that always differ from the truth', () => {
    for (let i = 0; i < 50; i += 1) {
      const draw = i / 50;
      expect(wrongValue('INV-1234', field('invoice_number'), draw)).not.toBe('INV-1234');
      expect(wrongValue(1234.56, field('total_amount'), draw)).not.toBe(1234.56);
      expect(wrongValue('2024-03-05', field('issue_date'), draw)).not.toBe('2024-03-05');
      expect(wrongValue('EUR', field('currency'), draw)).not.toBe('EUR');
      expect(wrongValue(null, field('purchase_order'), draw)).not.toBeNull();
    }
  });
});
