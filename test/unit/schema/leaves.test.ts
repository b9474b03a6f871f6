import { describe, expect, it } from 'vitest';
import { isLeafPointer, patternOf, schemaLeaves, schemaNodesAt, valueLeaves } from '../../../src/contract/schema/leaves.ts';
import { parseExtractionSchema } from '../../../src/contract/schema/parse-schema.ts';
import { invoiceData, invoiceSchemaInput } from './invoice-fixture.ts';

const invoice = parseExtractionSchema(invoiceSchemaInput).root;

const skills = parseExtractionSchema({
  name: 'cv',
  json_schema: {
    properties: {
      skills: {
        anyOf: [
          { type: 'array', items: { type: 'string' } },
          { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        ],
      },
      rank: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
    },
  },
}).root;

describe('leaves of a schema', () => {
  it('names every leaf with * for list items', () => {
    expect(schemaLeaves(invoice).map((leaf) => leaf.pattern)).toEqual([
      '/invoice_number',
      '/issue_date',
      '/due_date',
      '/currency',
      '/seller/name',
      '/seller/address/street',
      '/seller/address/city',
      '/seller/address/country/code',
      '/seller/address/country/name',
      '/line_items/*/description',
      '/line_items/*/quantity',
      '/line_items/*/unit_price',
      '/line_items/*/amount',
      '/tags/*',
      '/subtotal',
      '/tax',
      '/total',
      '/paid',
    ]);
  });

  it('follows each alternative of a union, and treats a union of scalars as one leaf', () => {
    expect(schemaLeaves(skills).map((leaf) => [leaf.pattern, leaf.node.kind])).toEqual([
      ['/skills/*', 'string'],
      ['/skills/*/*', 'string'],
      ['/rank', 'union'],
    ]);
  });
});

describe('leaves of a value', () => {
  it('gives every present leaf its pointer, pattern and value', () => {
    const leaves = valueLeaves(invoice, invoiceData);
    const byPointer = new Map(leaves.map((leaf) => [leaf.pointer, leaf]));
    expect(byPointer.get('/line_items/2/amount')).toMatchObject({ pattern: '/line_items/*/amount', value: 5.99 });
    expect(byPointer.get('/tags/1')).toMatchObject({ pattern: '/tags/*', value: 'export' });
    expect(byPointer.get('/seller/address/country/code')?.value).toBe('DE');
    expect(leaves).toHaveLength(27);
  });

  it('reads a union by the shape of the value: a list, or a map of lists', () => {
    expect(valueLeaves(skills, { skills: ['Go', 'SQL'], rank: 'DNF' }).map((leaf) => leaf.pointer)).toEqual(['/skills/0', '/skills/1', '/rank']);
    expect(valueLeaves(skills, { skills: { 'Data / ML': ['SQL'], Web: ['CSS', 'HTML'] } }).map((leaf) => [leaf.pointer, leaf.pattern])).toEqual([
      ['/skills/Data ~1 ML/0', '/skills/*/*'],
      ['/skills/Web/0', '/skills/*/*'],
      ['/skills/Web/1', '/skills/*/*'],
    ]);
  });

  it('skips keys the schema does not know and values of the wrong shape', () => {
    expect(valueLeaves(invoice, { invoice_number: 'X', array_index: 3, line_items: 'none', seller: null }).map((leaf) => leaf.pointer)).toEqual(['/invoice_number']);
  });
});

describe('from a value pointer to the schema', () => {
  it('finds the leaf pattern a pointer belongs to', () => {
    expect(patternOf(invoice, '/line_items/2/amount')).toBe('/line_items/*/amount');
    expect(patternOf(invoice, '/line_items/2')).toBe('/line_items/*');
    expect(patternOf(invoice, '/line_items/x/amount')).toBeUndefined();
    expect(patternOf(invoice, '/nothing')).toBeUndefined();
    expect(patternOf(skills, '/skills/Web/0')).toBe('/skills/*/*');
    expect(patternOf(skills, '/skills/0')).toBe('/skills/*');
  });

  it('tells leaves from containers', () => {
    expect(isLeafPointer(invoice, '/line_items/0/amount')).toBe(true);
    expect(isLeafPointer(invoice, '/line_items/0')).toBe(false);
    expect(isLeafPointer(invoice, '/seller')).toBe(false);
    expect(isLeafPointer(invoice, '/missing')).toBe(false);
    expect(schemaNodesAt(invoice, '/line_items/*/amount')).toEqual([{ kind: 'number', nullable: true, description: 'quantity × unit price' }]);
  });
});
