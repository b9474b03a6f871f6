import { describe, expect, it } from 'vitest';
import { compareLeafValues } from '../../../src/contract/schema/field-value.ts';
import { parseExtractionSchema } from '../../../src/contract/schema/parse-schema.ts';
import { readDocumentData } from '../../../src/providers/simulator/document-reader.ts';
import { wrongValue } from '../../../src/providers/simulator/wrong-values.ts';
import { invoiceSchema } from '../../fixtures/providers/synthetic-documents.ts';

const nested = parseExtractionSchema({
  name: 'invoice',
  fields: [
    { name: 'invoice_number', type: 'string' },
    { name: 'total', type: 'number' },
    { name: 'issue_date', type: 'date' },
    { name: 'paid', type: 'boolean' },
    { name: 'currency', type: 'enum', values: ['EUR', 'USD'] },
    { name: 'seller', type: 'object', fields: [{ name: 'name', type: 'string' }, { name: 'vat_id', type: 'string' }] },
    {
      name: 'line_items',
      type: 'list',
      items: { fields: [{ name: 'description', type: 'string' }, { name: 'quantity', type: 'integer' }, { name: 'unit_price', type: 'number' }, { name: 'amount', type: 'number' }] },
    },
    { name: 'notes', type: 'list' },
  ],
});

const leaf = (name: string) => invoiceSchema.root.properties.find((property) => property.name === name)!.node;

describe('what a simulated model reads in a document', () => {
  it('reads labelled values by name or path words, with the one value module', () => {
    const data = readDocumentData(
      ['INVOICE NUMBER: INV-7', 'Total: 1.234,56 €', 'Issue date: March 5, 2024', 'Paid: yes', 'Currency: eur', 'Seller Name: Acme GmbH', 'note: at 10:30'].join('\n'),
      nested.root,
    );
    expect(data).toMatchObject({ invoice_number: 'INV-7', total: 1234.56, issue_date: '2024-03-05', paid: true, currency: 'EUR', seller: { name: 'Acme GmbH', vat_id: null } });
  });

  it('reads a section under a heading as its object', () => {
    const data = readDocumentData('Seller\nName: Beta Ltd\nVAT ID: GB123\n\nName: not the seller', nested.root);
    expect(data.seller).toEqual({ name: 'Beta Ltd', vat_id: 'GB123' });
  });

  it('reads the rows of a table by its header row, with pipes or with aligned columns', () => {
    const piped = ['Line items', 'Description | Qty | Unit price | Amount', '--- | --- | --- | ---', 'Widget | 2 | 10.00 | 20.00', 'Gadget | 1 | 5,50 | 5,50', '', 'Total: 25.50'].join('\n');
    expect(readDocumentData(piped, nested.root).line_items).toEqual([
      { description: 'Widget', quantity: 2, unit_price: 10, amount: 20 },
      { description: 'Gadget', quantity: 1, unit_price: 5.5, amount: 5.5 },
    ]);
    const aligned = ['Description     Quantity   Amount', 'Consulting      3          $1,200.00', 'Travel          1          $80.00'].join('\n');
    expect(readDocumentData(aligned, nested.root).line_items).toEqual([
      { description: 'Consulting', quantity: 3, unit_price: null, amount: 1200 },
      { description: 'Travel', quantity: 1, unit_price: null, amount: 80 },
    ]);
  });

  it('reads repeated blocks as rows, and bullets or a labelled line as a list of values', () => {
    const text = ['Line items', 'Description: Widget', 'Amount: 20', 'Description: Gadget', 'Amount: 5', '', 'Notes', '- fragile', '- deliver by noon'].join('\n');
    const data = readDocumentData(text, nested.root);
    expect(data.line_items).toEqual([
      { description: 'Widget', quantity: null, unit_price: null, amount: 20 },
      { description: 'Gadget', quantity: null, unit_price: null, amount: 5 },
    ]);
    expect(data.notes).toEqual(['fragile', 'deliver by noon']);
    expect(readDocumentData('Notes: a, b; c', nested.root).notes).toEqual(['a', 'b', 'c']);
  });

  it('leaves what the document does not say empty, never invented', () => {
    expect(readDocumentData('Nothing here.', nested.root)).toEqual({
      invoice_number: null, total: null, issue_date: null, paid: null, currency: null,
      seller: { name: null, vat_id: null }, line_items: [], notes: [],
    });
  });

  it('makes plausible mistakes that always differ from the truth and keep the value kind', () => {
    for (let i = 0; i < 50; i += 1) {
      const draw = i / 50;
      for (const [name, truth] of [['invoice_number', 'INV-1234'], ['total_amount', 1234.56], ['issue_date', '2024-03-05'], ['currency', 'EUR'], ['purchase_order', null]] as const) {
        const wrong = wrongValue(truth, leaf(name), draw);
        expect(compareLeafValues(leaf(name), truth, wrong).correct, `${name} at ${draw}`).toBe(false);
      }
      const currency = wrongValue('EUR', leaf('currency'), draw);
      expect([null, 'USD', 'GBP']).toContain(currency);
    }
  });
});
