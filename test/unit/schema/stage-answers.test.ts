import { describe, expect, it } from 'vitest';
import { parseExtractionSchema } from '../../../src/contract/schema/parse-schema.ts';
import { disputedSubSchema, mergeReextracted, widenPointer } from '../../../src/pipeline/structured-output/disputed-paths.ts';
import { StageAnswerError, extractAnswerFormat, reviewAnswerFormat, validateAnswerFormat } from '../../../src/pipeline/structured-output/stage-answers.ts';
import { decodeWire, encodeWire } from '../../../src/pipeline/structured-output/wire-form.ts';
import { invoiceData, invoiceSchemaInput } from './invoice-fixture.ts';

const invoice = parseExtractionSchema(invoiceSchemaInput).root;
const cv = parseExtractionSchema({
  name: 'cv',
  json_schema: {
    properties: {
      name: { type: 'string' },
      skills: {
        anyOf: [
          { type: 'array', items: { type: 'string' } },
          { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        ],
      },
    },
  },
}).root;

const issuesOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof StageAnswerError) return error.issues;
    throw error;
  }
  throw new Error('expected a StageAnswerError');
};

describe('the extract answer', () => {
  const format = extractAnswerFormat(invoice);

  it('reads the data in its own shape, with a confidence for every value', () => {
    const answer = { data: invoiceData, default_confidence: 0.9, confidence: [{ pointer: '/line_items/1', confidence: 0.4 }, { pointer: '/line_items/1/amount', confidence: 0.2 }, { pointer: 'total', confidence: 0.7 }] };
    const read = format.read(answer);
    expect(read.data).toEqual(invoiceData);
    expect(read.unresolved).toEqual([]);
    expect(Object.keys(read.confidence)).toHaveLength(27);
    expect(read.confidence['/line_items/1/amount']).toBe(0.2);
    expect(read.confidence['/line_items/1/quantity']).toBe(0.4);
    expect(read.confidence['/line_items/0/amount']).toBe(0.9);
    expect(read.confidence['/total']).toBe(0.7);
  });

  it('keeps pointers that name nothing aside instead of failing the answer', () => {
    const read = format.read({ data: invoiceData, default_confidence: 0.9, confidence: [{ pointer: '/line_items/7/amount', confidence: 0.1 }, { pointer: '/a~2', confidence: 0.1 }] });
    expect(read.unresolved).toEqual(['/line_items/7/amount', '/a~2']);
  });

  it('refuses data of the wrong shape, naming where', () => {
    const data = { ...structuredClone(invoiceData), issue_date: '5 March 2024', total: '72.58', extra: 1 };
    data.line_items[0]!.quantity = 'ten' as unknown as number;
    const paths = issuesOf(() => format.read({ data, default_confidence: 1, confidence: [] })).map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['/data/issue_date', '/data/total', '/data/line_items/0/quantity', '/data']));
    const missing = issuesOf(() => format.read({ data: { invoice_number: 'x' }, default_confidence: 1, confidence: [] }));
    expect(missing.length).toBeGreaterThan(5);
  });

  it('refuses a confidence outside 0..1, an enum value not listed, a null inside a list', () => {
    expect(issuesOf(() => format.read({ data: invoiceData, default_confidence: 1.5, confidence: [] }))[0]?.path).toBe('/default_confidence');
    expect(issuesOf(() => format.read({ data: { ...invoiceData, currency: 'CHF' }, default_confidence: 1, confidence: [] }))[0]?.path).toBe('/data/currency');
    expect(issuesOf(() => format.read({ data: { ...invoiceData, tags: ['a', null] }, default_confidence: 1, confidence: [] }))[0]?.path).toBe('/data/tags/1');
  });

  it('takes a map as {key, value} rows and gives it back as an object, with data pointers', () => {
    const read = extractAnswerFormat(cv).read({
      data: { name: 'Ada', skills: [{ key: 'Data / ML', value: ['SQL'] }, { key: 'Web', value: ['CSS', 'HTML'] }] },
      default_confidence: 0.8,
      confidence: [{ pointer: '/skills/1/value/1', confidence: 0.3 }],
    });
    expect(read.data).toEqual({ name: 'Ada', skills: { 'Data / ML': ['SQL'], Web: ['CSS', 'HTML'] } });
    expect(read.confidence).toEqual({ '/name': 0.8, '/skills/Data ~1 ML/0': 0.8, '/skills/Web/0': 0.8, '/skills/Web/1': 0.3 });
    expect(extractAnswerFormat(cv).read({ data: { name: null, skills: ['Go'] }, default_confidence: 1, confidence: [] }).data).toEqual({ name: null, skills: ['Go'] });
  });

  it('refuses a map key given twice', () => {
    const issues = issuesOf(() => extractAnswerFormat(cv).read({ data: { name: 'Ada', skills: [{ key: 'Web', value: [] }, { key: 'Web', value: ['CSS'] }] }, default_confidence: 1, confidence: [] }));
    expect(issues).toEqual([{ path: '/data/skills/1/key', message: 'the key "Web" is given twice' }]);
  });

  it('round-trips data through the wire form', () => {
    const data = { name: 'Ada', skills: { Web: ['CSS'] } };
    expect(decodeWire(cv, encodeWire(cv, data)).data).toEqual(data);
  });
});

describe('the validate answer', () => {
  it('gives every value a verdict, the most specific one winning, and lists the values left unjudged', () => {
    const format = validateAnswerFormat(invoice, invoiceData);
    const read = format.read({
      verdicts: [
        { pointer: '', valid: true, reason: '' },
        { pointer: '/line_items/1', valid: false, reason: 'row not in the document' },
        { pointer: '/line_items/1/description', valid: true, reason: '' },
        { pointer: '/nothing', valid: true, reason: '' },
      ],
    });
    expect(read.verdicts['/line_items/1/amount']).toEqual({ valid: false, reason: 'row not in the document' });
    expect(read.verdicts['/line_items/1/description']).toEqual({ valid: true, reason: '' });
    expect(read.verdicts['/total']).toEqual({ valid: true, reason: '' });
    expect(read.unjudged).toEqual([]);
    expect(read.unresolved).toEqual(['/nothing']);
    const partial = format.read({ verdicts: [{ pointer: '/line_items', valid: true, reason: '' }] });
    expect(partial.unjudged).toContain('/total');
    expect(partial.unjudged).not.toContain('/line_items/0/amount');
  });

  it('shows a validator the candidate in wire form, and translates its pointers back', () => {
    const format = validateAnswerFormat(cv, { name: 'Ada', skills: { Web: ['CSS'] } });
    expect(format.candidateWire).toEqual({ name: 'Ada', skills: [{ key: 'Web', value: ['CSS'] }] });
    expect(format.read({ verdicts: [{ pointer: '/skills/0/value/0', valid: false, reason: 'not listed' }, { pointer: '/name', valid: true, reason: '' }] }).verdicts).toEqual({
      '/name': { valid: true, reason: '' },
      '/skills/Web/0': { valid: false, reason: 'not listed' },
    });
  });
});

describe('the review answer and re-extraction of disputed paths', () => {
  it('reads the final data and the disputed pointers, a row the data lacks included', () => {
    const read = reviewAnswerFormat(invoice).read({
      data: invoiceData,
      default_confidence: 0.8,
      confidence: [],
      disputed: ['/line_items/5', 'seller/address/city', '/total', '/total', '/not_a_field'],
    });
    expect(read.disputed).toEqual(['/line_items/5', '/seller/address/city', '/total']);
    expect(read.unresolved).toEqual(['/not_a_field']);
  });

  it('widens a disputed value inside a list to the whole list', () => {
    expect(widenPointer(invoice, '/line_items/2/amount')).toBe('/line_items');
    expect(widenPointer(invoice, '/seller/address/city')).toBe('/seller/address/city');
    expect(widenPointer(invoice, '/nothing')).toBeUndefined();
    expect(widenPointer(cv, '/skills/Web/0')).toBe('/skills');
  });

  it('builds the sub-schema of only the disputed paths, and merges its answer back', () => {
    const sub = disputedSubSchema(invoice, ['/line_items/2/amount', '/seller/address/city', '/line_items/0', '/seller/address/city']);
    expect(sub.paths).toEqual(['/seller/address/city', '/line_items']);
    expect(sub.root.properties.map((property) => property.name)).toEqual(['seller', 'line_items']);
    const answer = extractAnswerFormat(sub.root).read({
      data: { seller: { address: { city: 'Munich' } }, line_items: [{ description: 'Widgets', quantity: 10, unit_price: 2.5, amount: 25 }] },
      default_confidence: 0.9,
      confidence: [],
    });
    const merged = mergeReextracted(invoiceData, answer.data, sub.paths) as typeof invoiceData;
    expect(merged.seller.address.city).toBe('Munich');
    expect(merged.seller.address.street).toBe('Hauptstraße 1');
    expect(merged.line_items).toHaveLength(1);
    expect(merged.total).toBe(72.58);
    expect(invoiceData.seller.address.city).toBe('Berlin');
  });

  it('re-extracts everything when the root is disputed, and nothing when no pointer is known', () => {
    expect(disputedSubSchema(invoice, ['', '/total'])).toEqual({ root: invoice, paths: [''] });
    expect(disputedSubSchema(invoice, ['/nothing']).paths).toEqual([]);
  });
});
