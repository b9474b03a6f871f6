import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaLeaves } from '../../../src/contract/schema/leaves.ts';
import { parseExtractionSchema, schemaInputFromExtractBenchFile, tryParseExtractionSchema } from '../../../src/contract/schema/parse-schema.ts';
import { SchemaRefusedError } from '../../../src/contract/schema/schema-issues.ts';
import { toJsonSchema } from '../../../src/contract/schema/to-json-schema.ts';
import type { ObjectNode, SchemaNode } from '../../../src/contract/schema/schema-node.ts';
import { extractBenchRoot } from './extract-bench.ts';
import { invoiceSchemaInput } from './invoice-fixture.ts';

const EXTRACT_BENCH_SCHEMAS = [
  'academic/research/research-schema.json',
  'finance/10kq/10kq-schema.json',
  'finance/credit_agreement/credit_agreement-schema.json',
  'hiring/resume/resume-schema.json',
  'sport/swimming/swimming-schema.json',
];

function refusal(input: unknown) {
  const result = tryParseExtractionSchema(input);
  if (result.ok) throw new Error('expected the schema to be refused');
  return result.issues;
}

function property(node: ObjectNode, name: string): SchemaNode {
  const found = node.properties.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no property ${name}`);
  return found.node;
}

describe('ExtractBench schemas', () => {
  it.each(EXTRACT_BENCH_SCHEMAS)('%s is accepted as published', (file) => {
    const raw = JSON.parse(readFileSync(path.join(extractBenchRoot(), file), 'utf8')) as unknown;
    const schema = parseExtractionSchema(schemaInputFromExtractBenchFile(path.basename(file, '-schema.json'), raw));
    expect(schemaLeaves(schema.root).length).toBeGreaterThan(5);
  });

  it('resolves the 10-Q $defs into every metric list and keeps their evaluation hints', () => {
    const raw = JSON.parse(readFileSync(path.join(extractBenchRoot(), EXTRACT_BENCH_SCHEMAS[1]!), 'utf8')) as unknown;
    const schema = parseExtractionSchema({ name: '10kq', json_schema: raw });
    const leaves = new Map(schemaLeaves(schema.root).map((leaf) => [leaf.pattern, leaf.node]));
    expect(leaves.get('/income_statement/revenue/*/value')).toMatchObject({ kind: 'union', nullable: true, match: { metric: 'number', tolerance: 0.001 } });
    expect(leaves.get('/income_statement/revenue_growth/*/comparison_type')).toMatchObject({ kind: 'enum', values: ['Yoy', 'Qoq', 'Ytd', 'Ttm'] });
    expect(leaves.get('/meta/report_period_end_date')).toMatchObject({ kind: 'date', default: 'NA' });
    expect(leaves.get('/meta/report_period')).toMatchObject({ kind: 'string', pattern: '^FY\\d{4}( (Q[1-4]|H[1-2]|YTD))?$' });
  });

  it('reads the résumé wrapper (schema_definition) and its skills as a list or a map of lists', () => {
    const raw = JSON.parse(readFileSync(path.join(extractBenchRoot(), EXTRACT_BENCH_SCHEMAS[3]!), 'utf8')) as unknown;
    const schema = parseExtractionSchema(schemaInputFromExtractBenchFile('resume', raw));
    expect(schema.name).toBe('Resume Extraction Schema');
    const skills = property(schema.root, 'skills');
    expect(skills.kind).toBe('union');
    expect(skills.kind === 'union' && skills.options.map((option) => option.kind)).toEqual(['array', 'map']);
    const patterns = schemaLeaves(schema.root).map((leaf) => leaf.pattern);
    expect(patterns).toContain('/skills/*');
    expect(patterns).toContain('/skills/*/*');
  });
});

describe('the simple form', () => {
  it('keeps every flat schema of today valid, with the same defaults', () => {
    const schema = parseExtractionSchema({
      name: 'invoice',
      fields: [
        { name: 'invoice_number', type: 'string', required: true },
        { name: 'total', type: 'number' },
        { name: 'count', type: 'integer' },
        { name: 'paid', type: 'boolean' },
        { name: 'issued', type: 'date' },
        { name: 'status', type: 'enum', values: ['open', 'paid'] },
        { name: 'tags', type: 'list' },
      ],
    });
    expect(schema.root.properties.map((entry) => [entry.name, entry.node.kind, entry.required])).toEqual([
      ['invoice_number', 'string', true],
      ['total', 'number', false],
      ['count', 'integer', false],
      ['paid', 'boolean', false],
      ['issued', 'date', false],
      ['status', 'enum', false],
      ['tags', 'array', false],
    ]);
    expect(property(schema.root, 'tags')).toMatchObject({ kind: 'array', items: { kind: 'string' } });
  });

  it('still refuses what it refused: an enum without values, values on a string, a duplicate name, a bad name', () => {
    expect(refusal({ name: 's', fields: [{ name: 'a', type: 'enum' }] })).toContainEqual({ path: '/fields/0/values', message: 'an enum field lists its allowed values' });
    expect(refusal({ name: 's', fields: [{ name: 'a', type: 'string', values: ['x'] }] })[0]?.path).toBe('/fields/0/values');
    expect(refusal({ name: 's', fields: [{ name: 'a', type: 'string' }, { name: 'a', type: 'number' }] })).toContainEqual({ path: '/fields/1/name', message: 'duplicate field "a"' });
    expect(refusal({ name: 's', fields: [{ name: '1a', type: 'string' }] })[0]?.path).toBe('/fields/0/name');
  });

  it('nests objects and lists of rows four levels deep', () => {
    const schema = parseExtractionSchema({
      name: 'order',
      fields: [
        {
          name: 'customer',
          type: 'object',
          fields: [{ name: 'address', type: 'object', fields: [{ name: 'geo', type: 'object', fields: [{ name: 'lat', type: 'number' }] }] }],
        },
        { name: 'lines', type: 'list', items: { fields: [{ name: 'sku', type: 'string', required: true }, { name: 'qty', type: 'integer' }] } },
        { name: 'sizes', type: 'list', items: 'number' },
        { name: 'colours', type: 'list', items: { type: 'enum', values: ['red', 'blue'] } },
      ],
    });
    expect(schemaLeaves(schema.root).map((leaf) => leaf.pattern)).toEqual([
      '/customer/address/geo/lat',
      '/lines/*/sku',
      '/lines/*/qty',
      '/sizes/*',
      '/colours/*',
    ]);
  });

  it('refuses fields on a non-object, items on a non-list, and nesting past 10 levels', () => {
    expect(refusal({ name: 's', fields: [{ name: 'a', type: 'string', fields: [{ name: 'b', type: 'string' }] }] })[0]?.path).toBe('/fields/0/fields');
    expect(refusal({ name: 's', fields: [{ name: 'a', type: 'string', items: 'number' }] })[0]?.path).toBe('/fields/0/items');
    let field: Record<string, unknown> = { name: 'leaf', type: 'string' };
    for (let level = 0; level < 11; level += 1) field = { name: `l${level}`, type: 'object', fields: [field] };
    expect(refusal({ name: 's', fields: [field] })[0]?.message).toMatch(/10 object levels/);
  });
});

describe('the JSON Schema form', () => {
  it('reads the nested invoice: $ref with a sibling description, nullable forms, dates, rows', () => {
    const schema = parseExtractionSchema(invoiceSchemaInput);
    const items = property(schema.root, 'line_items');
    expect(items.kind).toBe('array');
    const row = items.kind === 'array' ? (items.items as ObjectNode) : undefined;
    expect(row && property(row, 'amount')).toEqual({ kind: 'number', nullable: true, description: 'quantity × unit price' });
    expect(row && property(row, 'description')).toMatchObject({ match: { metric: 'fuzzy', threshold: 0.8 } });
    expect(property(schema.root, 'due_date')).toEqual({ kind: 'date', nullable: true });
    expect(property(schema.root, 'currency')).toEqual({ kind: 'enum', values: ['EUR', 'USD', 'GBP'], nullable: true });
    expect(schema.rules).toHaveLength(4);
  });

  it('reads type lists, nullable: true, const, oneOf and a one-element allOf', () => {
    const schema = parseExtractionSchema({
      name: 's',
      json_schema: {
        properties: {
          a: { type: ['string', 'null'] },
          b: { type: 'string', nullable: true },
          c: { const: 'fixed' },
          d: { oneOf: [{ type: 'integer' }, { type: 'string' }] },
          e: { allOf: [{ type: 'number' }], description: 'merged' },
          f: { type: ['integer', 'string'] },
        },
      },
    });
    expect(schema.root.properties.map((entry) => [entry.name, entry.node.kind, entry.node.nullable])).toEqual([
      ['a', 'string', true],
      ['b', 'string', true],
      ['c', 'enum', false],
      ['d', 'union', false],
      ['e', 'number', false],
      ['f', 'union', false],
    ]);
    expect(property(schema.root, 'e').description).toBe('merged');
  });

  it('ignores keywords it does not know instead of refusing the schema', () => {
    const schema = parseExtractionSchema({
      name: 's',
      json_schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', 'x-origin': 'ui', properties: { a: { type: 'string', examples: ['x'], evaluation_config: 'no_such_preset' } } },
    });
    expect(property(schema.root, 'a')).toEqual({ kind: 'string', nullable: false });
  });

  it.each([
    ['a recursive $ref', { $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } } }, properties: { tree: { $ref: '#/$defs/node' } } }, '/json_schema/$defs/node/properties/child/$ref', /recursive/],
    ['an external $ref', { properties: { a: { $ref: 'https://example.com/s.json' } } }, '/json_schema/properties/a/$ref', /external/],
    ['a $ref to nothing', { properties: { a: { $ref: '#/$defs/missing' } } }, '/json_schema/properties/a/$ref', /points at nothing/],
    ['not', { properties: { a: { type: 'string', not: { const: 'x' } } } }, '/json_schema/properties/a/not', /cannot be enforced/],
    ['patternProperties', { properties: { a: { type: 'object', patternProperties: { '^x': { type: 'string' } }, properties: { b: { type: 'string' } } } } }, '/json_schema/properties/a/patternProperties', /pattern/],
    ['a tuple', { properties: { a: { type: 'array', items: [{ type: 'string' }] } } }, '/json_schema/properties/a/items', /tuples/],
    ['properties beside typed additionalProperties', { properties: { a: { type: 'object', properties: { b: { type: 'string' } }, additionalProperties: { type: 'string' } } } }, '/json_schema/properties/a/additionalProperties', /OpenAI strict/],
    ['a value of no type', { properties: { a: { description: 'anything' } } }, '/json_schema/properties/a', /no type/],
    ['required naming a missing property', { required: ['b'], properties: { a: { type: 'string' } } }, '/json_schema/required', /"b"/],
    ['an array without items', { properties: { a: { type: 'array' } } }, '/json_schema/properties/a', /items/],
    ['a root that is not an object', { type: 'array', items: { type: 'string' } }, '/json_schema', /root/],
  ])('refuses %s, naming its path', (_what, jsonSchema, path, message) => {
    const issues = refusal({ name: 's', json_schema: jsonSchema });
    expect(issues).toContainEqual({ path, message: expect.stringMatching(message) as unknown as string });
  });

  it('throws one error carrying every issue', () => {
    const input = { name: 's', json_schema: { properties: { a: { not: {} , type: 'string' }, b: { type: 'array' } } } };
    expect(() => parseExtractionSchema(input)).toThrow(SchemaRefusedError);
    try {
      parseExtractionSchema(input);
    } catch (error) {
      expect((error as SchemaRefusedError).issues.map((issue) => issue.path)).toEqual(['/json_schema/properties/a/not', '/json_schema/properties/b']);
    }
  });

  it('refuses an expansion blow-up from $refs that fan out', () => {
    const defs: Record<string, unknown> = { d0: { type: 'string' } };
    for (let level = 1; level <= 16; level += 1) {
      defs[`d${level}`] = { type: 'object', properties: { x: { $ref: `#/$defs/d${level - 1}` }, y: { $ref: `#/$defs/d${level - 1}` } } };
    }
    const issues = refusal({ name: 's', json_schema: { $defs: defs, properties: { root: { $ref: '#/$defs/d16' } } } });
    expect(issues[0]?.message).toMatch(/more than 20000 nodes/);
  });
});

describe('rules carried by a schema', () => {
  it('refuses a rule on a path the schema does not have, or on text', () => {
    const base = { name: 'invoice', json_schema: invoiceSchemaInput.json_schema };
    expect(refusal({ ...base, rules: [{ type: 'sum', of: '/line_items/*/price', equals: '/subtotal' }] })).toContainEqual({
      path: '/rules/0',
      message: '/line_items/*/price is not a path of the schema',
    });
    expect(refusal({ ...base, rules: [{ type: 'sum', of: '/line_items/*/description', equals: '/subtotal' }] })[0]?.message).toMatch(/not a number or integer field/);
    expect(refusal({ ...base, rules: [{ type: 'date_order', earlier: '/total', later: '/due_date' }] })[0]?.message).toMatch(/not a date field/);
    expect(refusal({ ...base, rules: [{ type: 'product', of: ['/line_items/*/quantity', '/line_items/*/unit_price'], equals: '/subtotal' }] })[0]?.message).toMatch(/more rows/);
    expect(refusal({ ...base, rules: [{ type: 'sum', of: '/subtotal', equals: 'total' }] })[0]?.path).toBe('/rules/0/equals');
  });
});

describe('writing a canonical schema back as JSON Schema', () => {
  const withoutSources = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (key, inner: unknown) => (key === 'source' ? undefined : inner)));

  it.each([
    ...EXTRACT_BENCH_SCHEMAS.map((file) => [file, () => schemaInputFromExtractBenchFile(file, JSON.parse(readFileSync(path.join(extractBenchRoot(), file), 'utf8')))] as const),
    ['the nested invoice', () => invoiceSchemaInput] as const,
    ['a simple form', () => ({ name: 'simple', fields: [{ name: 'a', type: 'enum', values: ['x'] }, { name: 'b', type: 'list', items: { fields: [{ name: 'c', type: 'date', required: true }] } }] })] as const,
  ])('%s reads back as the same tree', (_name, load) => {
    const schema = parseExtractionSchema(load());
    const again = parseExtractionSchema({ name: schema.name, json_schema: toJsonSchema(schema) });
    expect(withoutSources(again.root)).toEqual(withoutSources(schema.root));
  });
});
