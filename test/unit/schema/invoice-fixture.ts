/** A nested invoice as a JSON Schema, with line items, a nested address and arithmetic rules. */
export const invoiceJsonSchema = {
  type: 'object',
  required: ['invoice_number', 'line_items', 'total'],
  $defs: {
    money: { type: ['number', 'null'], description: 'An amount in the invoice currency, without symbols.' },
  },
  properties: {
    invoice_number: { type: 'string', description: 'The invoice number as printed.' },
    issue_date: { type: 'string', format: 'date' },
    due_date: { anyOf: [{ type: 'string', format: 'date' }, { type: 'null' }] },
    currency: { enum: ['EUR', 'USD', 'GBP', null] },
    seller: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        address: {
          type: 'object',
          properties: {
            street: { type: 'string' },
            city: { type: 'string' },
            country: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
          },
        },
      },
    },
    line_items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['description', 'amount'],
        properties: {
          description: { type: 'string', evaluation_config: 'string_fuzzy' },
          quantity: { type: 'number' },
          unit_price: { $ref: '#/$defs/money' },
          amount: { $ref: '#/$defs/money', description: 'quantity × unit price' },
        },
      },
    },
    tags: { type: 'array', items: { type: 'string' } },
    subtotal: { $ref: '#/$defs/money' },
    tax: { $ref: '#/$defs/money' },
    total: { $ref: '#/$defs/money' },
    paid: { type: 'boolean' },
  },
};

export const invoiceRules = [
  { type: 'product', of: ['/line_items/*/quantity', '/line_items/*/unit_price'], equals: '/line_items/*/amount' },
  { type: 'sum', of: '/line_items/*/amount', equals: '/subtotal' },
  { type: 'sum', of: ['/subtotal', '/tax'], equals: '/total' },
  { type: 'date_order', earlier: '/issue_date', later: '/due_date' },
];

export const invoiceSchemaInput = { name: 'invoice', json_schema: invoiceJsonSchema, rules: invoiceRules };

export const invoiceData = {
  invoice_number: 'INV-2024-001',
  issue_date: '2024-03-05',
  due_date: '2024-04-04',
  currency: 'EUR',
  seller: { name: 'Acme GmbH', address: { street: 'Hauptstraße 1', city: 'Berlin', country: { code: 'DE', name: 'Germany' } } },
  line_items: [
    { description: 'Widgets', quantity: 10, unit_price: 2.5, amount: 25 },
    { description: 'Gadgets', quantity: 3, unit_price: 10, amount: 30 },
    { description: 'Shipping', quantity: 1, unit_price: 5.99, amount: 5.99 },
  ],
  tags: ['urgent', 'export'],
  subtotal: 60.99,
  tax: 11.59,
  total: 72.58,
  paid: false,
};
