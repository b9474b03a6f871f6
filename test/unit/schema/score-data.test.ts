import { describe, expect, it } from 'vitest';
import { parseExtractionSchema } from '../../../src/contract/schema/parse-schema.ts';
import { scoreData } from '../../../src/contract/schema/score-data.ts';
import { readDataset } from '../../../src/eval/dataset.ts';
import { extractBenchRoot } from './extract-bench.ts';
import { invoiceData, invoiceSchemaInput } from './invoice-fixture.ts';

const invoice = parseExtractionSchema(invoiceSchemaInput).root;
const clone = <T>(value: T): T => structuredClone(value);
const wrong = (score: ReturnType<typeof scoreData>) =>
  Object.entries(score.fields)
    .filter(([, entry]) => !entry.correct)
    .map(([pointer]) => pointer);

describe('scoring nested data per leaf', () => {
  it('scores identical data as fully correct, one entry per leaf', () => {
    const score = scoreData(invoice, invoiceData, clone(invoiceData));
    expect(score.accuracy).toBe(1);
    expect(score.counted).toBe(27);
    expect(score.fields['/line_items/2/amount']).toEqual({ expected: 5.99, actual: 5.99, correct: true, method: 'number±0.005' });
  });

  it('forgives the way values are written', () => {
    const actual = { ...clone(invoiceData), issue_date: '5 March 2024', total: '72,58 €', invoice_number: ' inv-2024-001 ', paid: 'no' };
    expect(scoreData(invoice, invoiceData, actual).accuracy).toBe(1);
  });

  it('matches reordered line items to the expected rows: no error', () => {
    const actual = clone(invoiceData);
    actual.line_items.reverse();
    actual.tags.reverse();
    const score = scoreData(invoice, invoiceData, actual);
    expect(score.accuracy).toBe(1);
    expect(score.fields['/line_items/0/amount']).toMatchObject({ expected: 25, actual: 25, actual_pointer: '/line_items/2/amount' });
  });

  it('counts a missing line item once per leaf of that item, and nothing else shifts', () => {
    const actual = clone(invoiceData);
    actual.line_items.splice(0, 1);
    const score = scoreData(invoice, invoiceData, actual);
    expect(wrong(score)).toEqual(['/line_items/0/description', '/line_items/0/quantity', '/line_items/0/unit_price', '/line_items/0/amount']);
    expect(score.counted).toBe(27);
  });

  it('counts an extra line item once, beyond the expected rows', () => {
    const actual = clone(invoiceData);
    actual.line_items.splice(1, 0, { description: 'Invented', quantity: 1, unit_price: 1, amount: 1 });
    const score = scoreData(invoice, invoiceData, actual);
    expect(wrong(score)).toEqual(['/line_items/3']);
    expect(score.fields['/line_items/3']).toMatchObject({ expected: null, correct: false, method: 'extra', actual_pointer: '/line_items/1' });
    expect(score.counted).toBe(28);
  });

  it('counts one wrong value in one row once, even when the rows are also reordered', () => {
    const actual = clone(invoiceData);
    actual.line_items[1]!.amount = 31;
    actual.line_items.reverse();
    expect(wrong(scoreData(invoice, invoiceData, actual))).toEqual(['/line_items/1/amount']);
  });

  it('compares lists of scalars as multisets', () => {
    const tags = (expected: string[], actual: string[]) => wrong(scoreData(invoice, { tags: expected }, { tags: actual }, { missingExpected: 'unlabelled' }));
    expect(tags(['a', 'b', 'a'], ['a', 'a', 'b'])).toEqual([]);
    expect(tags(['a', 'b', 'a'], ['a', 'b'])).toEqual(['/tags/2']);
    expect(tags(['a', 'b'], ['b', 'a', 'c'])).toEqual(['/tags/2']);
    expect(tags(['a', 'b'], ['b', 'x'])).toEqual(['/tags/0']);
  });

  it('counts an expected null once: right when nothing was extracted there', () => {
    const expected = { ...clone(invoiceData), seller: null, due_date: null, line_items: [] };
    const empty = { ...clone(invoiceData), seller: { name: null, address: null }, due_date: '', line_items: [] };
    const score = scoreData(invoice, expected, empty);
    expect(score.fields['/seller']).toMatchObject({ correct: true, method: 'absent' });
    expect(score.fields['/line_items']).toMatchObject({ correct: true });
    expect(wrong(score)).toEqual([]);
    const invented = { ...empty, seller: { name: 'Somebody' }, line_items: [{ description: 'x' }] };
    expect(wrong(scoreData(invoice, expected, invented))).toEqual(['/seller', '/line_items']);
  });

  it('treats a key missing from expected as null, or leaves it unscored when asked', () => {
    const expected = { invoice_number: 'INV-2024-001' };
    const actual = { invoice_number: 'INV-2024-001', total: 5 };
    expect(wrong(scoreData(invoice, expected, actual))).toEqual(['/total']);
    const partial = scoreData(invoice, expected, actual, { missingExpected: 'unlabelled' });
    expect(partial).toMatchObject({ accuracy: 1, counted: 1 });
  });

  it('pairs map entries by key, ignoring case and punctuation', () => {
    const cv = parseExtractionSchema({
      name: 'cv',
      json_schema: { properties: { skills: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } } },
    }).root;
    const score = scoreData(cv, { skills: { 'Programming Languages': ['Go', 'SQL'], Tools: ['Git'] } }, { skills: { 'programming languages': ['SQL', 'Go'], Cloud: ['AWS'] } });
    expect(wrong(score)).toEqual(['/skills/Tools/0', '/skills/Cloud']);
  });

  it('does not score leaves hinted skip, nor expected values of the wrong shape unless asked to', () => {
    const schema = parseExtractionSchema({
      name: 's',
      json_schema: { properties: { a: { type: 'string', evaluation_config: 'skip' }, rows: { type: 'array', items: { type: 'object', properties: { x: { type: 'string' } } } } } },
    }).root;
    expect(scoreData(schema, { a: 'x', rows: 'not a list' }, { a: 'y', rows: [] })).toMatchObject({ accuracy: null, counted: 0, unscored: ['/rows'] });
    const counted = scoreData(schema, { a: 'x', rows: 'not a list' }, { a: 'y', rows: [] }, { offSchema: 'count' });
    expect(counted.fields).toEqual({ '/rows': { expected: 'not a list', actual: [], correct: false, method: 'shape' } });
    expect(scoreData(schema, { rows: 'not a list' }, { rows: 'not a list' }, { offSchema: 'count' }).accuracy).toBe(1);
  });
});

describe('ExtractBench gold', () => {
  it('scores every gold file against itself as fully correct, and against itself reordered too', async () => {
    const dataset = await readDataset(extractBenchRoot());
    const documents = dataset.domains.flatMap((domain) => domain.documents.map((document) => ({ domain, document })));
    expect(documents.length).toBeGreaterThanOrEqual(34);
    for (const { domain, document } of documents) {
      const root = domain.schema!.root;
      const self = scoreData(root, document.gold, clone(document.gold), { offSchema: 'count' });
      expect(self.accuracy, `${domain.id}/${document.id}`).toBe(1);
      const reversed = JSON.parse(JSON.stringify(document.gold), (_key, value: unknown) => (Array.isArray(value) ? [...value].reverse() : value)) as unknown;
      expect(scoreData(root, document.gold, reversed, { offSchema: 'count' }).accuracy, `${domain.id}/${document.id} reversed`).toBe(1);
    }
  });

  it('scores an extraction that lost one row of a 10-Q table as wrong exactly on that row', async () => {
    const dataset = await readDataset(extractBenchRoot());
    const tenQ = dataset.domains.find((domain) => domain.id === 'finance/10kq')!;
    const gold = tenQ.documents.find((document) => document.id === 'dell_10q_fy2025q2')!.gold as { income_statement: { basic_eps: unknown[] } };
    const actual = clone(gold);
    actual.income_statement.basic_eps.splice(1, 1);
    const score = scoreData(tenQ.schema!.root, gold, actual);
    expect(new Set(wrong(score).map((pointer) => pointer.split('/').slice(0, 4).join('/')))).toEqual(new Set(['/income_statement/basic_eps/1']));
  });
});
