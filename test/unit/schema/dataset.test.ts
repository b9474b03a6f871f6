import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDataShape } from '../../../src/contract/schema/data-shape.ts';
import { parseExtractionSchema } from '../../../src/contract/schema/parse-schema.ts';
import { DatasetError, readDataset } from '../../../src/eval/dataset.ts';
import { extractBenchRoot } from './extract-bench.ts';
import { invoiceData, invoiceSchemaInput } from './invoice-fixture.ts';

describe('reading ExtractBench', () => {
  it('finds its five domains, every schema accepted, and 34 documents with their gold', async () => {
    const dataset = await readDataset(extractBenchRoot());
    expect(dataset.domains.map((domain) => [domain.id, domain.documents.length, domain.schemaIssues.length, domain.warnings])).toEqual([
      ['academic/research', 5, 0, []],
      ['finance/10kq', 7, 0, []],
      ['finance/credit_agreement', 10, 0, []],
      ['hiring/resume', 7, 0, []],
      ['sport/swimming', 5, 0, []],
    ]);
    const resume = dataset.domains.find((domain) => domain.id === 'hiring/resume')!;
    expect(resume.name).toBe('Resume Extraction Schema');
    const document = resume.documents.find((entry) => entry.id === 'Resume-IT')!;
    expect(document.documentPath.endsWith(path.join('pdf+gold', 'Resume-IT.pdf'))).toBe(true);
    expect(document.gold).toMatchObject({ personalInfo: { fullName: 'Marcus Chen' } });
  });

  it('keeps beside each gold file where it does not fit the published schema', async () => {
    const dataset = await readDataset(extractBenchRoot());
    const swimming = dataset.domains.find((domain) => domain.id === 'sport/swimming')!;
    const table2 = swimming.documents.find((document) => document.id === 'ma_2023_sw_M-table2')!;
    expect(table2.goldIssues).toContainEqual({ pointer: '/events', message: 'not a field of the schema' });
    const table1 = swimming.documents.find((document) => document.id === 'ma_2023_sw_M-table1')!;
    expect(table1.goldIssues).toEqual([]);
  });
});

describe('reading a folder laid out like ExtractBench', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'quarry-dataset-'));
    const invoices = path.join(root, 'finance', 'invoice');
    await mkdir(path.join(invoices, 'pdf+gold'), { recursive: true });
    await writeFile(path.join(invoices, 'invoice-schema.json'), JSON.stringify(invoiceSchemaInput.json_schema));
    await writeFile(path.join(invoices, 'pdf+gold', 'a.txt'), 'Invoice INV-2024-001');
    await writeFile(path.join(invoices, 'pdf+gold', 'a.gold.json'), JSON.stringify(invoiceData));
    await writeFile(path.join(invoices, 'pdf+gold', 'b.pdf'), '%PDF-1.4');
    await writeFile(path.join(invoices, 'pdf+gold', 'c.gold.json'), '{}');
    const broken = path.join(root, 'broken');
    await mkdir(broken, { recursive: true });
    await writeFile(path.join(broken, 'broken-schema.json'), JSON.stringify({ properties: { a: { type: 'string', not: {} } } }));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('pairs documents with their gold and says what does not pair', async () => {
    const dataset = await readDataset(root);
    const invoices = dataset.domains.find((domain) => domain.id === 'finance/invoice')!;
    expect(invoices.name).toBe('invoice');
    expect(invoices.documents.map((document) => [document.id, document.goldIssues])).toEqual([['a', []]]);
    expect(invoices.warnings).toEqual(['b.pdf has no b.gold.json', 'c.gold.json has no document beside it']);
  });

  it('reports a schema Quarry refuses, with its issues, instead of failing the whole dataset', async () => {
    const dataset = await readDataset(root);
    const broken = dataset.domains.find((domain) => domain.id === 'broken')!;
    expect(broken.schema).toBeNull();
    expect(broken.schemaIssues).toEqual([{ path: '/json_schema/properties/a/not', message: expect.stringMatching(/cannot be enforced/) as unknown as string }]);
    expect(broken.warnings).toEqual(['no pdf+gold/ folder beside broken-schema.json']);
  });

  it('fails clearly when there is no dataset', async () => {
    await expect(readDataset(path.join(root, 'nowhere'))).rejects.toThrow(DatasetError);
    await expect(readDataset(path.join(root, 'finance', 'invoice', 'pdf+gold'))).rejects.toThrow(/no \*-schema.json file/);
  });
});

describe('the shape of data a person gives', () => {
  const invoice = parseExtractionSchema(invoiceSchemaInput).root;

  it('accepts partial data, nulls and dates in written forms', () => {
    expect(checkDataShape(invoice, { invoice_number: 'X', total: null, issue_date: 'March 5, 2024', line_items: [{ amount: 1 }] })).toEqual([]);
    expect(checkDataShape(invoice, invoiceData)).toEqual([]);
  });

  it('names each value of the wrong kind, and unknown keys unless told to ignore them', () => {
    const issues = checkDataShape(invoice, { total: '12', paid: 'yes', currency: 'CHF', line_items: {}, tags: [1], issue_date: 'soon', array_index: 0 });
    expect(issues).toEqual([
      { pointer: '/issue_date', message: 'expected a date' },
      { pointer: '/currency', message: 'expected one of "EUR", "USD", "GBP"' },
      { pointer: '/line_items', message: 'expected a list' },
      { pointer: '/tags/0', message: 'expected text' },
      { pointer: '/total', message: 'expected a number' },
      { pointer: '/paid', message: 'expected true or false' },
      { pointer: '/array_index', message: 'not a field of the schema' },
    ]);
    expect(checkDataShape(invoice, { array_index: 0 }, { unknownKeys: 'ignore' })).toEqual([]);
  });
});
