import { describe, expect, it } from 'vitest';
import { parseExtractionSchema } from '../../../src/contract/schema/parse-schema.ts';
import { evaluateRules } from '../../../src/contract/schema/validation-rules.ts';
import { invoiceData, invoiceSchemaInput } from './invoice-fixture.ts';

const { rules } = parseExtractionSchema(invoiceSchemaInput);
const clone = <T>(value: T): T => structuredClone(value);

describe('validation rules on extracted data', () => {
  it('passes a consistent invoice: every line, the subtotal, the total and the dates', () => {
    const outcome = evaluateRules(rules, invoiceData);
    expect(outcome.failures).toEqual([]);
    expect(outcome.unverifiable).toEqual([]);
    expect(outcome.checked).toBe(3 + 1 + 1 + 1);
  });

  it('fails the one line whose amount is not quantity × unit price, naming its pointers', () => {
    const data = clone(invoiceData);
    data.line_items[1]!.amount = 33;
    data.subtotal = 63.99;
    data.total = 75.58;
    const { failures } = evaluateRules(rules, data);
    expect(failures).toEqual([
      {
        rule: 0,
        type: 'product',
        message: 'product of /line_items/*/quantity × /line_items/*/unit_price is 30, but /line_items/1/amount is 33',
        pointers: ['/line_items/1/quantity', '/line_items/1/unit_price', '/line_items/1/amount'],
      },
    ]);
  });

  it('fails a subtotal that is not the sum of the lines, and a total that is not subtotal + tax', () => {
    const data = { ...clone(invoiceData), subtotal: 70, total: 80 };
    const { failures } = evaluateRules(rules, data);
    expect(failures.map((failure) => [failure.rule, failure.pointers])).toEqual([
      [1, ['/line_items/0/amount', '/line_items/1/amount', '/line_items/2/amount', '/subtotal']],
      [2, ['/subtotal', '/tax', '/total']],
    ]);
    expect(failures[0]?.message).toBe('sum of /line_items/*/amount is 60.99, but /subtotal is 70');
  });

  it('accepts rounding to the cent, and reads amounts written as text', () => {
    const data = { ...clone(invoiceData), total: '72,59 €' };
    expect(evaluateRules(rules, data).failures).toEqual([]);
    expect(evaluateRules(rules, { ...data, total: 72.6 }).failures.map((failure) => failure.rule)).toEqual([2]);
  });

  it('fails a due date before the issue date, in any written form', () => {
    const { failures } = evaluateRules(rules, { ...clone(invoiceData), due_date: 'March 1, 2024' });
    expect(failures).toMatchObject([{ rule: 3, type: 'date_order', pointers: ['/issue_date', '/due_date'] }]);
  });

  it('reports a rule it cannot check as unverifiable, not failed', () => {
    const data = { ...clone(invoiceData), tax: null, due_date: null, line_items: [] };
    const outcome = evaluateRules(rules, data);
    expect(outcome.failures).toEqual([]);
    expect(outcome.unverifiable.map((entry) => entry.rule)).toEqual([1, 2, 3]);
  });

  it('binds nested wildcards row by row: each order totals its own lines', () => {
    const orders = parseExtractionSchema({
      name: 'orders',
      fields: [
        {
          name: 'orders',
          type: 'list',
          items: {
            fields: [
              { name: 'total', type: 'number' },
              { name: 'lines', type: 'list', items: { fields: [{ name: 'amount', type: 'number' }] } },
            ],
          },
        },
      ],
      rules: [{ type: 'sum', of: '/orders/*/lines/*/amount', equals: '/orders/*/total', message: 'order total' }],
    });
    const outcome = evaluateRules(orders.rules, {
      orders: [
        { total: 3, lines: [{ amount: 1 }, { amount: 2 }] },
        { total: 10, lines: [{ amount: 4 }] },
      ],
    });
    expect(outcome.checked).toBe(2);
    expect(outcome.failures).toEqual([
      { rule: 0, type: 'sum', message: 'order total: sum of /orders/*/lines/*/amount is 4, but /orders/1/total is 10', pointers: ['/orders/1/lines/0/amount', '/orders/1/total'] },
    ]);
  });
});
