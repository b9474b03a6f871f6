import type { ExtractionSchema } from '../../../contract/queue.ts';

/** Ready extraction schemas to start from; each can be edited before documents are queued. */
export const SCHEMA_TEMPLATES: ExtractionSchema[] = [
  {
    name: 'invoice',
    fields: [
      { name: 'invoice_number', type: 'string', description: 'The invoice number', required: true },
      { name: 'vendor_name', type: 'string', description: 'Who issued the invoice', required: true },
      { name: 'issue_date', type: 'date', description: 'Date the invoice was issued', required: true },
      { name: 'due_date', type: 'date', description: 'Date payment is due', required: false },
      { name: 'total_amount', type: 'number', description: 'Total due, in the invoice currency', required: true },
      { name: 'currency', type: 'string', description: 'ISO 4217 currency code', required: false },
    ],
  },
  {
    name: 'receipt',
    fields: [
      { name: 'merchant_name', type: 'string', description: 'The shop or business', required: true },
      { name: 'purchase_date', type: 'date', description: 'Date of purchase', required: true },
      { name: 'total_amount', type: 'number', description: 'Amount paid', required: true },
      { name: 'payment_method', type: 'enum', description: 'How it was paid', required: false, values: ['cash', 'card', 'other'] },
      { name: 'items', type: 'list', description: 'Purchased items', required: false },
    ],
  },
  {
    name: 'contract',
    fields: [
      { name: 'parties', type: 'list', description: 'The contracting parties', required: true },
      { name: 'effective_date', type: 'date', description: 'When the contract takes effect', required: true },
      { name: 'termination_date', type: 'date', description: 'When it ends, if stated', required: false },
      { name: 'governing_law', type: 'string', description: 'Jurisdiction whose law governs it', required: false },
      { name: 'contract_value', type: 'number', description: 'Total value, if stated', required: false },
      { name: 'auto_renewal', type: 'boolean', description: 'Whether it renews automatically', required: false },
    ],
  },
];

export const cloneSchema = (schema: ExtractionSchema): ExtractionSchema => ({
  name: schema.name,
  fields: schema.fields.map((field) => ({ ...field, ...(field.values ? { values: [...field.values] } : {}) })),
});
