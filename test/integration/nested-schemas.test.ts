import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EVAL_CONFIGURATION } from '../../src/cli/eval.ts';
import { schemaInputFromExtractBenchFile } from '../../src/contract/schema/parse-schema.ts';
import { extractBenchDir } from '../support/extract-bench.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

/**
 * Schemas that nest, through the API and the whole pipeline on the simulator: an invoice with line
 * items given as a published JSON Schema, every ExtractBench schema exactly as its file gives it,
 * and the refusals (400 naming the path) for what no provider can enforce.
 */

const invoiceJsonSchema = {
  // Its own name, so that analytics per path can pick this file's items out of the shared database.
  name: `invoice with line items ${randomUUID().slice(0, 8)}`,
  json_schema: {
    type: 'object',
    properties: {
      invoice_number: { type: 'string', description: 'The invoice number' },
      issue_date: { type: 'string', format: 'date' },
      seller: { $ref: '#/$defs/party' },
      line_items: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            description: { type: 'string' },
            quantity: { type: 'integer' },
            unit_price: { type: 'number' },
            amount: { type: 'number' },
          },
          required: ['description', 'amount'],
        },
      },
      subtotal: { type: 'number' },
      tax: { anyOf: [{ type: 'number' }, { type: 'null' }] },
      total: { type: 'number' },
    },
    required: ['invoice_number', 'line_items', 'total'],
    $defs: { party: { type: 'object', properties: { name: { type: 'string' }, vat_id: { type: 'string' } } } },
  },
  rules: [
    { type: 'product', of: ['/line_items/*/quantity', '/line_items/*/unit_price'], equals: '/line_items/*/amount' },
    { type: 'sum', of: '/line_items/*/amount', equals: '/subtotal' },
    { type: 'sum', of: ['/subtotal', '/tax'], equals: '/total' },
  ],
};

const invoiceText = [
  'Document type: invoice',
  'Invoice Number: INV-2042',
  'Issue Date: 5 March 2026',
  'Seller',
  'Name: Acme GmbH',
  'VAT ID: DE123456789',
  '',
  'Line items',
  'Description | Quantity | Unit price | Amount',
  '--- | --- | --- | ---',
  'Widget | 2 | 10.00 | 20.00',
  'Gadget | 1 | 5.50 | 5.50',
  'Service hour | 3 | 80.00 | 240.00',
  '',
  'Subtotal: 265.50',
  'Tax: 50.45',
  'Total: 315.95',
].join('\n');

const invoiceExpected = {
  invoice_number: 'INV-2042',
  issue_date: '2026-03-05',
  seller: { name: 'Acme GmbH', vat_id: 'DE123456789' },
  line_items: [
    { description: 'Widget', quantity: 2, unit_price: 10, amount: 20 },
    { description: 'Gadget', quantity: 1, unit_price: 5.5, amount: 5.5 },
    { description: 'Service hour', quantity: 3, unit_price: 80, amount: 240 },
  ],
  subtotal: 265.5,
  tax: 50.45,
  total: 315.95,
};

/**
 * Each ExtractBench domain: its schema file as published (a wrapper file `{name, description,
 * schema_definition}` as it is; a bare JSON Schema, unchanged, as `{name, json_schema}`), and its
 * smallest PDF.
 */
function extractBenchDomains() {
  const domains: Array<{ id: string; schema: Record<string, unknown>; pdf: string }> = [];
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder)) {
      const full = path.join(folder, entry);
      if (entry.endsWith('-schema.json')) {
        const pdfs = readdirSync(path.join(folder, 'pdf+gold'))
          .filter((name) => name.endsWith('.pdf'))
          .map((name) => path.join(folder, 'pdf+gold', name))
          .sort((a, b) => statSync(a).size - statSync(b).size);
        const file: unknown = JSON.parse(readFileSync(full, 'utf8'));
        const schema = schemaInputFromExtractBenchFile(entry.replace(/-schema\.json$/, ''), file) as Record<string, unknown>;
        if ('json_schema' in schema) expect(schema.json_schema).toBe(file);
        domains.push({ id: path.relative(extractBenchDir(), folder), schema, pdf: pdfs[0]! });
      } else if (statSync(full).isDirectory() && entry !== 'pdf+gold') visit(full);
    }
  };
  visit(extractBenchDir());
  return domains.sort((a, b) => a.id.localeCompare(b.id));
}

describe('nested schemas through the pipeline', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // The simulator reads a whole 10-Q for a schema of hundreds of values on this machine's CPU:
    // under a loaded full suite that can outlast the other tests' 5 s call timeout.
    stack = await startTestStack({ QUARRY_CALL_TIMEOUT_MS: '120000' });
  });
  afterAll(async () => stack?.stop());

  it('extracts an invoice with line items given as a JSON Schema into plain data, scored per row and per leaf', async () => {
    const created = await stack.request('POST', '/queue', { document: { text: invoiceText }, schema: invoiceJsonSchema, expected: invoiceExpected });
    expect(created.status).toBe(201);
    const started = await stack.request('POST', `/queue/process/${created.body.id}`, DEFAULT_EVAL_CONFIGURATION);
    expect(started.status).toBe(202);
    const item = await waitForStatus(stack, created.body.id, ['completed', 'failed']);
    expect(item.error).toBeUndefined();
    expect(item.status).toBe('completed');
    // The schema is kept as it was given.
    expect(item.schema).toEqual(invoiceJsonSchema);

    const { data, fields, scoring } = item.result;
    expect(Array.isArray(data.line_items)).toBe(true);
    expect(data.line_items.length).toBeGreaterThan(0);
    expect(Object.keys(data.seller).sort()).toEqual(['name', 'vat_id']);
    // Per-value facts by JSON Pointer into data: one per leaf of every row.
    for (let row = 0; row < data.line_items.length; row += 1) {
      for (const key of ['description', 'quantity', 'unit_price', 'amount']) {
        const fact = fields[`/line_items/${row}/${key}`];
        expect(fact, `/line_items/${row}/${key}`).toBeDefined();
        expect(fact.value).toEqual(data.line_items[row][key] ?? null);
        expect(typeof fact.confidence).toBe('number');
        expect(typeof fact.model).toBe('string');
        expect(typeof fact.validated).toBe('boolean');
      }
    }
    expect(fields['/seller/vat_id'].value).toEqual(data.seller.vat_id ?? null);

    // Scored per leaf of the expected rows (matched by assignment, not position).
    for (let row = 0; row < 3; row += 1) {
      for (const key of ['description', 'quantity', 'unit_price', 'amount']) expect(scoring[`/line_items/${row}/${key}`], `/line_items/${row}/${key}`).toBeDefined();
    }
    const scored = Object.values(scoring as Record<string, { correct: boolean }>);
    expect(item.accuracy).toBeCloseTo(scored.filter((entry) => entry.correct).length / scored.length, 5);

    // Analytics per field path: the item's pointers folded into the schema's paths.
    const analytics = await stack.request('GET', `/analytics/paths?configuration_id=${item.configuration_id}`);
    expect(analytics.status).toBe(200);
    const mine = (analytics.body as Array<{ schema_name: string; path: string; items: number; values: number; correct: number; accuracy: number }>).filter(
      (row) => row.schema_name === invoiceJsonSchema.name,
    );
    const amounts = mine.find((row) => row.path === '/line_items/*/amount')!;
    const amountScores = Object.entries(scoring as Record<string, { correct: boolean }>).filter(([pointer]) => /^\/line_items\/\d+\/amount$/.test(pointer));
    expect(amounts).toMatchObject({ items: 1, values: amountScores.length, correct: amountScores.filter(([, entry]) => entry.correct).length });
    expect(mine.reduce((sum, row) => sum + row.values, 0)).toBe(scored.length);
    expect(mine.map((row) => row.path)).toContain('/seller/vat_id');
  });

  it('disputes the values of a failed validation rule: re-extracted, then sent to review', async () => {
    // The document's own figures disagree: its lines add up to 265.50, its subtotal says 999.00.
    const text = invoiceText.replace('Subtotal: 265.50', 'Subtotal: 999.00');
    const created = await stack.request('POST', '/queue', { document: { text }, schema: invoiceJsonSchema });
    const config = { ...DEFAULT_EVAL_CONFIGURATION, review: { confidence_threshold: 0, deadline_hours: 1, on_deadline: 'accept' } };
    await stack.request('POST', `/queue/process/${created.body.id}`, config);
    const item = await waitForStatus(stack, created.body.id, ['needs_review', 'completed', 'failed']);
    expect(item.status).toBe('needs_review');
    expect(item.result.rule_failures.map((failure: { rule: number }) => failure.rule)).toContain(1);
    expect(item.result.review_reasons.some((reason: string) => reason.startsWith('rule 2:'))).toBe(true);
    expect(item.result.fields['/subtotal'].validated).toBe(false);
    expect(item.result.disputed).toEqual(expect.arrayContaining(['/line_items', '/subtotal']));
    // The orchestrator sent exactly the disputed paths back for a second extraction.
    const { rows } = await stack.pool.query(`SELECT output FROM stage_outputs WHERE queue_item_id = $1 AND stage = 'extract' AND step = 1`, [created.body.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].output.paths).toEqual(expect.arrayContaining(['/line_items', '/subtotal']));
    // Its data holds those paths only.
    expect(Object.keys(rows[0].output.data).sort()).toEqual([...new Set(rows[0].output.paths.map((pointer: string) => pointer.split('/')[1]))].sort());
    expect(rows[0].output.paths.length).toBeLessThan(Object.keys(invoiceJsonSchema.json_schema.properties).length);
  });

  it('accepts every ExtractBench schema exactly as published, and its documents complete on the simulator', async () => {
    const domains = extractBenchDomains();
    expect(domains.map((domain) => domain.id)).toEqual(['academic/research', 'finance/10kq', 'finance/credit_agreement', 'hiring/resume', 'sport/swimming']);
    const ids: string[] = [];
    for (const domain of domains) {
      const document = { content_base64: readFileSync(domain.pdf).toString('base64'), mime_type: 'application/pdf', filename: path.basename(domain.pdf) };
      const created = await stack.request('POST', '/queue', { document, schema: domain.schema });
      expect(created.status, `${domain.id}: ${JSON.stringify(created.body)}`).toBe(201);
      ids.push(created.body.id);
    }
    const processed = await stack.request('POST', '/queue/process', { ids, configuration: DEFAULT_EVAL_CONFIGURATION });
    expect(processed.status).toBe(202);
    for (const [index, id] of ids.entries()) {
      const item = await waitForStatus(stack, id, ['completed', 'failed'], 180_000);
      expect(item.status, `${domains[index]!.id}: ${JSON.stringify(item.error ?? null)}`).toBe('completed');
      expect(item.schema).toEqual(domains[index]!.schema);
      expect(Object.keys(item.result.data).length).toBeGreaterThan(0);
      for (const pointer of Object.keys(item.result.fields)) expect(pointer.startsWith('/')).toBe(true);
    }
  }, 600_000);

  it('refuses with 400 naming the path what no provider can enforce', async () => {
    const recursive = {
      name: 'tree',
      json_schema: { type: 'object', properties: { root: { $ref: '#/$defs/node' } }, $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } } } },
    };
    const refused = await stack.request('POST', '/queue', { document: { text: 'x' }, schema: recursive });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('$defs');
    expect(JSON.stringify(refused.body)).toMatch(/recursi/i);

    const wide = {
      name: 'wide',
      fields: Array.from({ length: 100 }, (_, i) => ({ name: `f${i}`, type: 'enum', values: Array.from({ length: 100 }, (_, j) => `v${j}`) })),
    };
    const overBudget = await stack.request('POST', '/queue/batch', { items: [{ document: { text: 'x' }, schema: wide }] });
    expect(overBudget.status).toBe(400);
    expect(overBudget.body.error.message).toMatch(/items\.0\.schema/);
    expect(overBudget.body.error.message).toMatch(/enum values/);

    const wrongExpected = await stack.request('POST', '/queue', { document: { text: invoiceText }, schema: invoiceJsonSchema, expected: { line_items: [{ amount: 'lots' }] } });
    expect(wrongExpected.status).toBe(400);
    expect(JSON.stringify(wrongExpected.body)).toContain('line_items');
  });
});
