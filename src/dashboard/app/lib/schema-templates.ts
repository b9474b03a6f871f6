import type { SimpleFieldInput } from '../../../contract/schema/simple-form.ts';
import type { ValidationRule } from '../../../contract/schema/validation-rule-format.ts';

/** A schema in the simple form, as the editor edits it and `POST /queue` takes it. */
export interface SimpleSchemaDraft {
  name: string;
  fields: SimpleFieldInput[];
  rules?: ValidationRule[];
}

const text = (name: string, description: string, required = false): SimpleFieldInput => ({ name, type: 'string', description, required });
const number = (name: string, description: string, required = false): SimpleFieldInput => ({ name, type: 'number', description, required });
const date = (name: string, description: string, required = false): SimpleFieldInput => ({ name, type: 'date', description, required });
const rows = (name: string, description: string, fields: SimpleFieldInput[]): SimpleFieldInput => ({ name, type: 'list', description, items: { fields } });

/**
 * Ready extraction schemas to start from, each with its line items and the arithmetic a person
 * would check (line amount = quantity × unit price, the lines add up to the subtotal, subtotal plus
 * tax is the total, dates in order); each can be edited before documents are queued.
 */
export const SCHEMA_TEMPLATES: SimpleSchemaDraft[] = [
  {
    name: 'invoice',
    fields: [
      text('invoice_number', 'The invoice number', true),
      text('vendor_name', 'Who issued the invoice', true),
      { name: 'vendor_address', type: 'object', description: 'Where the vendor is', fields: [text('street', ''), text('city', ''), text('postal_code', ''), text('country', '')] },
      text('customer_name', 'Who is billed'),
      date('issue_date', 'Date the invoice was issued', true),
      date('due_date', 'Date payment is due'),
      { name: 'currency', type: 'enum', description: 'ISO 4217 currency code', values: ['USD', 'EUR', 'GBP', 'CHF', 'JPY'] },
      rows('line_items', 'One row per line of the invoice', [
        text('description', 'What was sold', true),
        number('quantity', 'How many'),
        number('unit_price', 'Price of one'),
        number('amount', 'Line total', true),
      ]),
      number('subtotal', 'Total before tax'),
      number('tax_amount', 'Tax'),
      number('total_amount', 'Total due, in the invoice currency', true),
    ],
    rules: [
      { type: 'product', of: ['/line_items/*/quantity', '/line_items/*/unit_price'], equals: '/line_items/*/amount', message: 'line amount = quantity × unit price' },
      { type: 'sum', of: '/line_items/*/amount', equals: '/subtotal', message: 'the lines add up to the subtotal' },
      { type: 'sum', of: ['/subtotal', '/tax_amount'], equals: '/total_amount', message: 'subtotal + tax = total' },
      { type: 'date_order', earlier: '/issue_date', later: '/due_date', allow_equal: true, message: 'due on or after the issue date' },
    ],
  },
  {
    name: 'receipt',
    fields: [
      text('merchant_name', 'The shop or business', true),
      date('purchase_date', 'Date of purchase', true),
      { name: 'payment_method', type: 'enum', description: 'How it was paid', values: ['cash', 'card', 'other'] },
      rows('items', 'Purchased items', [text('description', 'What was bought', true), number('quantity', 'How many'), number('price', 'Price paid for the line', true)]),
      number('tax_amount', 'Tax included'),
      number('total_amount', 'Amount paid', true),
    ],
    rules: [{ type: 'sum', of: '/items/*/price', equals: '/total_amount', message: 'the items add up to the total' }],
  },
  {
    name: 'purchase_order',
    fields: [
      text('po_number', 'The purchase order number', true),
      text('buyer_name', 'Who orders', true),
      text('supplier_name', 'Who supplies', true),
      date('order_date', 'When it was ordered', true),
      date('delivery_date', 'When delivery is due'),
      rows('lines', 'One row per ordered article', [
        text('sku', 'Article number'),
        text('description', 'What is ordered', true),
        number('quantity', 'How many', true),
        number('unit_price', 'Price of one'),
        number('line_total', 'Line total'),
      ]),
      number('total_amount', 'Order total', true),
    ],
    rules: [
      { type: 'product', of: ['/lines/*/quantity', '/lines/*/unit_price'], equals: '/lines/*/line_total', message: 'line total = quantity × unit price' },
      { type: 'sum', of: '/lines/*/line_total', equals: '/total_amount', message: 'the lines add up to the total' },
      { type: 'date_order', earlier: '/order_date', later: '/delivery_date', allow_equal: true, message: 'delivered on or after the order date' },
    ],
  },
  {
    name: 'resume',
    fields: [
      text('name', 'The candidate', true),
      text('email', ''),
      text('phone', ''),
      text('location', 'City and country'),
      text('summary', 'The profile or summary paragraph'),
      rows('experience', 'One row per job, newest first', [
        text('company', '', true),
        text('title', 'Job title', true),
        date('start_date', ''),
        date('end_date', 'Empty while current'),
        { name: 'highlights', type: 'list', description: 'Bullet points of the job' },
      ]),
      rows('education', 'Degrees and schools', [text('institution', '', true), text('degree', ''), { name: 'year', type: 'integer', description: 'Year of graduation' }]),
      { name: 'skills', type: 'list', description: 'Skills as listed' },
    ],
    rules: [{ type: 'date_order', earlier: '/experience/*/start_date', later: '/experience/*/end_date', allow_equal: true, message: 'a job ends after it starts' }],
  },
  {
    name: 'contract',
    fields: [
      text('title', 'The contract’s title'),
      rows('parties', 'The contracting parties', [text('name', '', true), text('role', 'e.g. buyer, seller, licensor'), text('address', '')]),
      date('effective_date', 'When the contract takes effect', true),
      date('termination_date', 'When it ends, if stated'),
      text('governing_law', 'Jurisdiction whose law governs it'),
      number('contract_value', 'Total value, if stated'),
      { name: 'auto_renewal', type: 'boolean', description: 'Whether it renews automatically' },
      { name: 'obligations', type: 'list', description: 'Key obligations, one sentence each' },
    ],
    rules: [{ type: 'date_order', earlier: '/effective_date', later: '/termination_date', allow_equal: false, message: 'it ends after it takes effect' }],
  },
];

/** A template as a fresh draft the editor may change. */
export const cloneSchema = (schema: SimpleSchemaDraft): SimpleSchemaDraft => structuredClone(schema);
