import { describe, expect, it } from 'vitest';
import { correctedFields } from '../../../src/activities/corrected-fields.ts';
import { applyCorrections, checkCorrections, InvalidPointerError } from '../../../src/contract/schema/corrections.ts';
import { schemaPaths } from '../../../src/contract/schema/leaves.ts';
import { parseExtractionSchema } from '../../../src/contract/schema/parse-schema.ts';
import { ExtractionSchemaBodySchema } from '../../../src/contract/schema/schema-input.ts';

const schema = parseExtractionSchema({
  name: 'invoice',
  fields: [
    { name: 'invoice_number', type: 'string' },
    { name: 'seller', type: 'object', fields: [{ name: 'name', type: 'string' }] },
    { name: 'line_items', type: 'list', items: { fields: [{ name: 'description', type: 'string' }, { name: 'amount', type: 'number' }] } },
  ],
});

const data = {
  invoice_number: 'INV-1',
  seller: { name: 'Acme' },
  line_items: [
    { description: 'Widget', amount: 20 },
    { description: 'Gadget', amount: 5 },
  ],
};

describe('corrections by JSON Pointer', () => {
  it('names every place of the schema a correction or a dispute may name', () => {
    expect(schemaPaths(schema.root).sort()).toEqual(
      ['', '/invoice_number', '/line_items', '/line_items/*', '/line_items/*/amount', '/line_items/*/description', '/seller', '/seller/name'].sort(),
    );
  });

  it('accepts a value, a row, a whole list and a flat field name, each of its place’s shape', () => {
    const corrections = {
      invoice_number: 'INV-2',
      '/seller/name': 'Beta',
      '/line_items/1/amount': 5.5,
      '/line_items/0': { description: 'Widget XL', amount: 22 },
    };
    expect(checkCorrections(schema.root, corrections)).toEqual([]);
    expect(checkCorrections(schema.root, { '/line_items': [{ description: 'Only', amount: 1 }] })).toEqual([]);
  });

  it('refuses a path the schema lacks and a value of another shape, naming where', () => {
    expect(checkCorrections(schema.root, { '/buyer': 'x' })).toEqual([{ pointer: '/buyer', message: 'not a path of the schema' }]);
    const [wrong] = checkCorrections(schema.root, { '/line_items/0': { description: 'x', amount: 'lots' } });
    expect(wrong!.pointer).toBe('/line_items/0/amount');
    expect(wrong!.message).toMatch(/number/);
  });

  it('applies the outermost correction first, so a corrected list can be corrected inside', () => {
    const corrected = applyCorrections(data, { '/line_items/0/amount': 1, '/line_items': [{ description: 'Only', amount: 9 }] });
    expect(corrected).toEqual({ ...data, line_items: [{ description: 'Only', amount: 1 }] });
    // The original data is left as it was.
    expect(data.line_items).toHaveLength(2);
  });

  it('takes a container the truth lacks from the model’s data, and refuses a row past the end', () => {
    const truth = { invoice_number: 'INV-1' };
    expect(applyCorrections(truth, { '/line_items/1/amount': 6 }, data)).toEqual({ invoice_number: 'INV-1', line_items: [data.line_items[0], { description: 'Gadget', amount: 6 }] });
    expect(() => applyCorrections(data, { '/line_items/5/amount': 1 })).toThrow(InvalidPointerError);
  });

  it('says who corrected which value and what the model said; untouched values keep their facts', () => {
    const fields = {
      '/invoice_number': { value: 'INV-1', confidence: 0.9, model: 'm', validated: true },
      '/seller/name': { value: 'Acme', confidence: 0.8, model: 'm', validated: true },
      '/line_items/0/description': { value: 'Widget', confidence: 0.7, model: 'm', validated: true },
      '/line_items/0/amount': { value: 20, confidence: 0.7, model: 'm', validated: false },
      '/line_items/1/description': { value: 'Gadget', confidence: 0.7, model: 'm', validated: true },
      '/line_items/1/amount': { value: 5, confidence: 0.7, model: 'm', validated: true },
    };
    const corrections = { '/line_items/0/amount': 21, '/line_items/2': { description: 'Added', amount: 1 } };
    const corrected = applyCorrections(data, corrections);
    const out = correctedFields(schema.root, fields, corrected, corrections, 'ana');
    expect(out['/invoice_number']).toEqual(fields['/invoice_number']);
    expect(out['/line_items/0/amount']).toEqual({ ...fields['/line_items/0/amount'], value: 21, model_value: 20, corrected_by: 'ana' });
    expect(out['/line_items/2/description']).toEqual({ value: 'Added', confidence: 1, validated: true, model_value: null, corrected_by: 'ana' });
  });
});

describe('a schema in a request', () => {
  it('takes both forms and refuses a recursive $ref at its path', () => {
    expect(ExtractionSchemaBodySchema.safeParse({ name: 'x', fields: [{ name: 'a', type: 'string' }] }).success).toBe(true);
    expect(ExtractionSchemaBodySchema.safeParse({ name: 'x', json_schema: { type: 'object', properties: { a: { type: 'string' } } } }).success).toBe(true);
    const refused = ExtractionSchemaBodySchema.safeParse({
      name: 'tree',
      json_schema: { type: 'object', properties: { root: { $ref: '#/$defs/node' } }, $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } } } },
    });
    expect(refused.success).toBe(false);
    expect(refused.error!.issues[0]!.path.slice(0, 3)).toEqual(['json_schema', '$defs', 'node']);
  });
});
