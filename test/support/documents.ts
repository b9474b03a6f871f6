/** Labelled test documents in the `Label: value` form the simulator's models read. */
export const invoiceSchema = {
  name: 'invoice',
  fields: [
    { name: 'invoice_number', type: 'string', description: 'The invoice number', required: true },
    { name: 'total_amount', type: 'number', description: 'Total due, in the invoice currency', required: true },
    { name: 'issue_date', type: 'date', description: 'Date the invoice was issued', required: true },
    { name: 'vendor_name', type: 'string', description: 'Who issued the invoice', required: false },
    { name: 'paid', type: 'boolean', description: 'Whether it is marked paid', required: false },
  ],
} as const;

export function invoice(n: number) {
  const expected = {
    invoice_number: `INV-${1000 + n}`,
    total_amount: 100 + n * 17.25,
    issue_date: `2026-0${(n % 9) + 1}-1${n % 10}`,
    vendor_name: `Vendor ${n} GmbH`,
    paid: n % 2 === 0,
  };
  const text = [
    'Document type: invoice',
    `Vendor Name: ${expected.vendor_name}`,
    `Invoice Number: ${expected.invoice_number}`,
    `Issue Date: ${expected.issue_date}`,
    `Total Amount: $${expected.total_amount.toFixed(2)}`,
    `Paid: ${expected.paid ? 'yes' : 'no'}`,
    'Thank you for your business.',
  ].join('\n');
  return { document: { text }, schema: invoiceSchema, expected };
}

/** A configuration that uses a different provider for each stage. */
export const mixedProviderConfig = {
  temperature: 0.2,
  orchestrator_model: 'gpt-4.1',
  orchestrator_prompt: 'Prefer values the validator accepted.',
  stage_models: {
    classify: ['gemini-3.5-flash'],
    extract: ['claude-sonnet-4-6', 'gpt-4.1-mini'],
    validate: ['gpt-4o'],
  },
};
