import { describe, expect, it } from 'vitest';
import { parseExtractionSchema } from '../../../src/contract/schema/parse-schema.ts';
import type { ObjectNode } from '../../../src/contract/schema/schema-node.ts';
import { readDataset } from '../../../src/eval/dataset.ts';
import { ANTHROPIC_FORMATS, ANTHROPIC_LIMITS, anthropicComplexity, anthropicTool } from '../../../src/pipeline/structured-output/anthropic-strict.ts';
import { geminiResponseSchema } from '../../../src/pipeline/structured-output/gemini-response-schema.ts';
import { subschemas } from '../../../src/pipeline/structured-output/keyword-filter.ts';
import { OPENAI_FORMATS, openAiStrictSchema } from '../../../src/pipeline/structured-output/openai-strict.ts';
import { OPENAI_LIMITS, checkSchemaBudget, measureSchema } from '../../../src/pipeline/structured-output/schema-budget.ts';
import { extractAnswerFormat, reviewAnswerFormat, validateAnswerFormat } from '../../../src/pipeline/structured-output/stage-answers.ts';
import type { JsonSchema } from '../../../src/pipeline/structured-output/wire-json-schema.ts';
import { extractBenchRoot } from './extract-bench.ts';
import { invoiceData, invoiceSchemaInput } from './invoice-fixture.ts';

const flat = parseExtractionSchema({
  name: 'flat',
  fields: [
    { name: 'invoice_number', type: 'string', required: true },
    { name: 'total', type: 'number' },
    { name: 'issued', type: 'date' },
    { name: 'status', type: 'enum', values: ['open', 'paid'] },
    { name: 'tags', type: 'list' },
  ],
}).root;

const dataset = await readDataset(extractBenchRoot());
const schemas: Array<[string, ObjectNode]> = [
  ...dataset.domains.map((domain): [string, ObjectNode] => [domain.id, domain.schema!.root]),
  ['nested invoice', parseExtractionSchema(invoiceSchemaInput).root],
  ['flat invoice', flat],
];

/** Every answer Quarry asks for about a schema: extraction, validation of a candidate, review. */
const answers = (root: ObjectNode): Array<[string, JsonSchema]> => [
  ['extract', extractAnswerFormat(root).schema],
  ['validate', validateAnswerFormat(root, {}).schema],
  ['review', reviewAnswerFormat(root).schema],
];
const cases = schemas.flatMap(([name, root]) => answers(root).map(([stage, schema]): [string, JsonSchema] => [`${name} / ${stage}`, schema]));

const keywordsOf = (schema: JsonSchema) => [...subschemas(schema)].flatMap(({ schema: node, path }) => Object.keys(node).map((keyword) => ({ keyword, node, path })));

describe('OpenAI strict structured output', () => {
  const SUPPORTED = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'anyOf', 'description', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems']);

  it.each(cases)('%s: every object is closed and requires all its properties', (_name, answer) => {
    const schema = openAiStrictSchema(answer);
    expect(schema.type).toBe('object');
    for (const { schema: node, path } of subschemas(schema)) {
      if (node.type !== 'object') continue;
      expect(node.additionalProperties, path).toBe(false);
      expect(node.required, path).toEqual(Object.keys(node.properties as object));
    }
  });

  it.each(cases)('%s: uses only supported keywords and formats, never default, and says optional with null', (_name, answer) => {
    const schema = openAiStrictSchema(answer);
    for (const { keyword, node, path } of keywordsOf(schema)) {
      expect(SUPPORTED.has(keyword), `${path}: ${keyword}`).toBe(true);
      if (keyword === 'format') expect(OPENAI_FORMATS.has(node.format as string), path).toBe(true);
    }
    // Leaves are nullable by a type list or anyOf with null: a model can always say "not there".
    const data = (schema.properties as Record<string, JsonSchema>)['data'];
    for (const { schema: node, path } of data ? subschemas(data) : []) {
      const isLeaf = !['object', 'array'].includes(node.type as string) && !Array.isArray(node.anyOf) && !path.endsWith('/items') && !/\/anyOf\/\d+$/.test(path);
      if (isLeaf && node.type !== undefined) expect(node.type, path).toContain('null');
    }
  });

  it.each(schemas)('%s: fits the documented limits', (_name, root) => {
    const measure = measureSchema(openAiStrictSchema(reviewAnswerFormat(root).schema));
    expect(measure.properties).toBeLessThanOrEqual(OPENAI_LIMITS.properties);
    expect(measure.depth).toBeLessThanOrEqual(OPENAI_LIMITS.depth);
    expect(measure.enumValues).toBeLessThanOrEqual(OPENAI_LIMITS.enumValues);
    expect(measure.stringLength).toBeLessThanOrEqual(OPENAI_LIMITS.stringLength);
    expect(checkSchemaBudget(root)).toEqual([]);
  });

  it('moves what it cannot enforce into the description', () => {
    const root = parseExtractionSchema({ name: 's', json_schema: { properties: { site: { type: 'string', format: 'uri' }, code: { type: 'string', default: 'NA' } } } }).root;
    const data = (openAiStrictSchema(extractAnswerFormat(root).schema).properties as Record<string, JsonSchema>)['data'] as JsonSchema;
    const properties = data.properties as Record<string, JsonSchema>;
    expect(properties['site']).toEqual({ type: ['string', 'null'], description: '{format: "uri"}' });
    expect(properties['code']).toEqual({ type: ['string', 'null'], description: 'When the document does not state it, use "NA".' });
  });
});

describe('the schema budget', () => {
  it('refuses 100 enum fields of 100 values with a message that says which limit and where', () => {
    const fields = Array.from({ length: 100 }, (_, field) => ({ name: `f${field}`, type: 'enum' as const, values: Array.from({ length: 100 }, (__, value) => `v${value}`) }));
    const issues = checkSchemaBudget(parseExtractionSchema({ name: 'big', fields }).root);
    expect(issues).toEqual([{ path: '/f0', message: 'the schema has 10000 enum values in all; OpenAI strict mode takes at most 1000 (largest: /data/f0 (100), /data/f1 (100), /data/f2 (100))' }]);
  });

  it('refuses objects nested deeper than 10 levels once the answer adds its own, naming the deepest', () => {
    let node: Record<string, unknown> = { type: 'object', properties: { leaf: { type: 'string' } } };
    for (let level = 0; level < 9; level += 1) node = { type: 'object', properties: { [`l${level}`]: node } };
    const issues = checkSchemaBudget(parseExtractionSchema({ name: 'deep', json_schema: node }).root);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('/l8/l7/l6/l5/l4/l3/l2/l1/l0');
    expect(issues[0]?.message).toMatch(/nested 11 levels deep/);
  });

  it('refuses more than 5000 properties', () => {
    const rows = Array.from({ length: 60 }, (_, row) => ({ name: `r${row}`, type: 'object' as const, fields: Array.from({ length: 90 }, (__, field) => ({ name: `f${field}`, type: 'string' as const })) }));
    const issues = checkSchemaBudget(parseExtractionSchema({ name: 'wide', fields: rows }).root);
    expect(issues.map((issue) => issue.message)).toEqual([expect.stringMatching(/5466 properties; OpenAI strict mode takes at most 5000/)]);
  });
});

describe('Anthropic strict tool input', () => {
  it.each(cases)('%s: closed objects, supported keywords, minItems 0 or 1 only', (_name, answer) => {
    const { input_schema } = anthropicTool('extraction', 'Record the extracted data.', answer);
    const SUPPORTED = new Set(['type', 'enum', 'const', 'anyOf', 'description', 'title', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'format']);
    for (const { keyword, node, path } of keywordsOf(input_schema)) {
      expect(SUPPORTED.has(keyword), `${path}: ${keyword}`).toBe(true);
      if (keyword === 'format') expect(ANTHROPIC_FORMATS.has(node.format as string), path).toBe(true);
      if (keyword === 'minItems') expect([0, 1], path).toContain(node.minItems);
      if (node.type === 'object') expect(node.additionalProperties, path).toBe(false);
    }
  });

  it.each(cases)('%s: is strict exactly when it fits the complexity limits', (_name, answer) => {
    const tool = anthropicTool('extraction', 'Record the extracted data.', answer);
    const { optionalParameters, unionParameters } = anthropicComplexity(tool.input_schema);
    expect(optionalParameters).toBe(0);
    expect(tool.strict).toBe(unionParameters <= ANTHROPIC_LIMITS.unionParameters);
    if (!tool.strict) expect(tool.notStrictBecause).toMatch(/union-typed parameters \(at most 16\)/);
  });

  it('keeps a small schema strict and sends a 10-Q as a normal tool', () => {
    expect(anthropicTool('extraction', '', extractAnswerFormat(flat).schema).strict).toBe(true);
    const tenQ = schemas.find(([name]) => name === 'finance/10kq')![1];
    expect(anthropicTool('extraction', '', extractAnswerFormat(tenQ).schema).strict).toBe(false);
  });

  it('describes the numeric bounds it cannot enforce', () => {
    const { input_schema } = anthropicTool('extraction', '', extractAnswerFormat(flat).schema);
    expect((input_schema.properties as Record<string, JsonSchema>)['default_confidence']).toEqual({
      type: 'number',
      description: 'Your confidence, from 0 to 1, in every value not listed in confidence.\n\n{minimum: 0, maximum: 1}',
    });
  });
});

describe('Gemini responseJsonSchema', () => {
  const SUPPORTED = new Set(['type', 'format', 'title', 'description', 'enum', 'items', 'minItems', 'maxItems', 'minimum', 'maximum', 'anyOf', 'properties', 'additionalProperties', 'required', 'propertyOrdering']);

  it.each(cases)('%s: supported keywords only, and properties in the schema order', (_name, answer) => {
    const schema = geminiResponseSchema(answer);
    for (const { keyword, node, path } of keywordsOf(schema)) {
      expect(SUPPORTED.has(keyword), `${path}: ${keyword}`).toBe(true);
      if (keyword === 'enum') for (const value of node.enum as unknown[]) expect(['string', 'number'], path).toContain(typeof value);
      if (keyword === 'properties') expect(node.propertyOrdering, path).toEqual(Object.keys(node.properties as object));
    }
    expect(schema.propertyOrdering).toEqual(Object.keys(answer.properties as object));
  });

  it('turns const into a one-value enum and describes a pattern', () => {
    const root = parseExtractionSchema({ name: 's', json_schema: { properties: { kind: { const: 'invoice' }, period: { type: 'string', pattern: '^FY\\d{4}$' } } } }).root;
    const data = (geminiResponseSchema(extractAnswerFormat(root).schema).properties as Record<string, JsonSchema>)['data'] as JsonSchema;
    const properties = data.properties as Record<string, JsonSchema>;
    expect(properties['kind']).toEqual({ anyOf: [{ type: 'string', enum: ['invoice'] }, { type: 'null' }] });
    expect(properties['period']).toEqual({ type: ['string', 'null'], description: '{pattern: "^FY\\\\d{4}$"}' });
  });

  it('asks for the invoice in the order its schema gives the fields', () => {
    const root = parseExtractionSchema(invoiceSchemaInput).root;
    const data = (geminiResponseSchema(extractAnswerFormat(root).schema).properties as Record<string, JsonSchema>)['data'] as JsonSchema;
    expect(data.propertyOrdering).toEqual(Object.keys(invoiceData));
  });
});
