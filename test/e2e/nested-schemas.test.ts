import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newWatchedPage, openDashboard, screenshot, screenshotOnFailure, type DashboardSession } from '../support/browser.ts';
import { mixedProviderConfig } from '../support/documents.ts';
import { extractBenchDir } from '../support/extract-bench.ts';
import { waitForStatus, type TestStack } from '../support/stack.ts';

/** An invoice whose line items the simulator reads from a table with a header row. */
function invoiceText(marker: string): string {
  return [
    'Document type: invoice',
    `Vendor Name: ${marker} GmbH`,
    'Invoice Number: INV-5150',
    'Issue Date: 2026-04-01',
    'Line items',
    'Description | Quantity | Unit price | Amount',
    '--- | --- | --- | ---',
    'Widget | 2 | 10.00 | 20.00',
    'Gadget | 1 | 5.50 | 5.50',
    '',
    'Subtotal: 25.50',
    'Tax Amount: 4.85',
    'Total Amount: 30.35',
  ].join('\n');
}

// Schemas with line items as a person uses them in the dashboard: the nested editor and a JSON
// Schema import, an item's rows shown as a table scored per value, and a reviewer correcting a row.
describe('nested schemas in Chromium', () => {
  let session: DashboardSession;
  let stack: TestStack;
  let server: DashboardSession['server'];
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    session = await openDashboard();
    ({ stack, server, context } = session);
  });
  screenshotOnFailure(() => page);
  afterAll(async () => session?.stop());

  async function openAddForm() {
    await page.goto(`${server.url}/#/queue`);
    const form = page.locator('form.add-documents');
    await page.locator('.empty, table.queue-table').first().waitFor();
    if (!(await form.isVisible())) await page.getByRole('button', { name: 'Add documents' }).click();
    return form;
  }

  it('builds nested fields in the editor, labels line items, and shows them as a table scored per value', async () => {
    ({ page, problems } = await newWatchedPage(context));
    const marker = `NEST-${randomUUID().slice(0, 8)}`;
    const form = await openAddForm();
    await page.getByLabel('Document text').fill(invoiceText(marker));

    // The invoice template has line items; the editor shows their columns under the list.
    await form.getByText('Edit schema fields').click();
    const itemsIndex = await form.getByLabel(/^Field \d+ name$/).evaluateAll((inputs) => inputs.findIndex((input) => (input as HTMLInputElement).value === 'line_items'));
    expect(itemsIndex).toBeGreaterThanOrEqual(0);
    const place = itemsIndex + 1;
    expect(await form.getByLabel(`Field ${place} list of`).inputValue()).toBe('rows');
    await form.getByText(`Columns of each row of line_items`).waitFor();
    // A new column in the rows, and an object with a field of its own inside it: nesting in the editor.
    await form.getByRole('button', { name: `Add a field to ${place}` }).click();
    const newColumn = form.getByLabel(new RegExp(`^Field ${place}\\.\\d+ name$`)).last();
    await newColumn.fill('sku');
    const columnPlace = (await newColumn.getAttribute('aria-label'))!.replace(/^Field | name$/g, '');
    await form.getByLabel(`Field ${columnPlace} type`).selectOption('object');
    await form.getByLabel(`Field ${columnPlace}.1 name`).fill('code');
    await form.getByText(`Fields of sku`).waitFor();

    // Expected values: the scalars, and the line items typed row by row.
    await form.getByText('Expected values').click();
    await page.locator('input[name="expected-invoice_number"]').fill('INV-5150');
    await form.getByRole('button', { name: 'Label the rows of line_items' }).click();
    for (const [index, row] of [['Widget', '2', '10.00', '20.00'], ['Gadget', '1', '5,50', '5.50']].entries()) {
      await form.getByRole('button', { name: 'Add a row to line_items' }).click();
      const [description, quantity, unitPrice, amount] = row;
      await form.getByLabel(`Expected line_items row ${index + 1} description`).fill(description!);
      await form.getByLabel(`Expected line_items row ${index + 1} quantity`).fill(quantity!);
      await form.getByLabel(`Expected line_items row ${index + 1} unit_price`).fill(unitPrice!);
      await form.getByLabel(`Expected line_items row ${index + 1} amount`).fill(amount!);
    }
    await screenshot(page, 'nested-add-form');
    await page.getByRole('button', { name: 'Add to queue' }).click();
    await page.getByText('Added 1 document to the queue.').waitFor();

    // What the server got: the nested schema as built, and expected rows as plain JSON ("5,50" read as 5.5).
    const { rows } = await stack.pool.query(`SELECT id, extraction_schema, expected FROM ai_extraction_queue WHERE document_text LIKE $1`, [`%${marker}%`]);
    expect(rows).toHaveLength(1);
    const id = rows[0].id as string;
    const lineItems = rows[0].extraction_schema.fields.find((field: { name: string }) => field.name === 'line_items');
    expect(lineItems.items.fields.find((field: { name: string }) => field.name === 'sku')).toMatchObject({ type: 'object', fields: [{ name: 'code' }] });
    expect(rows[0].expected.line_items).toEqual([
      { description: 'Widget', quantity: 2, unit_price: 10, amount: 20 },
      { description: 'Gadget', quantity: 1, unit_price: 5.5, amount: 5.5 },
    ]);

    // Run it, then open the item: the line items are a table, the expected rows are scored per value.
    expect((await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig)).status).toBe(202);
    const done = await waitForStatus(stack, id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    await page.goto(`${server.url}/#/items/${id}`);
    const table = page.locator('section[data-rows="line_items"]');
    await table.waitFor();
    const extracted = table.locator('table').first().locator('tbody tr');
    expect(await extracted.count()).toBe(done.result.data.line_items.length);
    expect(await table.locator('[data-pointer="/line_items/0/description"]').first().textContent()).toContain(String(done.result.data.line_items[0].description ?? ''));
    const marks = await table.locator('table').nth(1).locator('.ok, .bad').count();
    const scoredRows = Object.keys(done.result.scoring).filter((pointer) => /^\/line_items\/\d+\/(description|quantity|unit_price|amount)$/.test(pointer)).length;
    expect(marks).toBe(scoredRows);
    // An object inside a row shows as its values, not "[object Object]".
    expect(await table.textContent()).not.toContain('[object Object]');
    await screenshot(page, 'nested-item');

    // Analytics per field path: the rows' values folded into their schema path.
    await page.getByRole('link', { name: 'Analytics' }).click();
    const paths = page.locator('table[data-table="paths"]');
    await paths.waitFor();
    const amountRow = paths.locator('tbody tr').filter({ hasText: '/line_items/*/amount' }).filter({ hasText: 'invoice' });
    expect(await amountRow.count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('imports a JSON Schema file as published and queues a document with it', async () => {
    ({ page, problems } = await newWatchedPage(context));
    const marker = `IMPORT-${randomUUID().slice(0, 8)}`;
    const form = await openAddForm();
    const file = path.join(extractBenchDir(), 'sport', 'swimming', 'swimming-schema.json');
    await form.getByLabel('Import a JSON Schema').setInputFiles(file);
    const outline = form.getByRole('list', { name: 'Imported schema' });
    await outline.waitFor();
    expect(await outline.locator('li').count()).toBeGreaterThan(0);
    expect(await form.locator('select').first().locator('option:checked').textContent()).toBe('Imported: swimming-schema.json');
    await page.getByLabel('Document text').fill(`Results ${marker}\nEvent: 100 Free`);
    await page.getByRole('button', { name: 'Add to queue' }).click();
    await page.getByText('Added 1 document to the queue.').waitFor();
    const { rows } = await stack.pool.query(`SELECT extraction_schema FROM ai_extraction_queue WHERE document_text LIKE $1`, [`%${marker}%`]);
    expect(rows[0].extraction_schema).toEqual({ name: 'swimming', json_schema: JSON.parse(readFileSync(file, 'utf8')) });
    expect(problems).toEqual([]);
  });

  it('lets a reviewer correct a row of line items in a table editor; the correction is ground truth per value', async () => {
    ({ page, problems } = await newWatchedPage(context));
    const marker = `ROWS-${randomUUID().slice(0, 8)}`;
    const schema = {
      name: 'invoice rows',
      fields: [
        { name: 'invoice_number', type: 'string', required: true },
        { name: 'line_items', type: 'list', items: { fields: [{ name: 'description', type: 'string' }, { name: 'quantity', type: 'integer' }, { name: 'unit_price', type: 'number' }, { name: 'amount', type: 'number' }] } },
      ],
    };
    const created = await stack.request('POST', '/queue', { document: { text: invoiceText(marker) }, schema });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    // A threshold of 1 sends it to review: no model is that sure of every value.
    const review = { confidence_threshold: 1, deadline_hours: 1, on_deadline: 'accept' };
    expect((await stack.request('POST', `/queue/process/${id}`, { ...mixedProviderConfig, review })).status).toBe(202);
    const waiting = await waitForStatus(stack, id, ['needs_review', 'failed']);
    expect(waiting.status).toBe('needs_review');

    await page.goto(`${server.url}/#/items/${id}`);
    const panel = page.locator('section.review-panel');
    await panel.waitFor();
    const rowsField = panel.locator('[data-review-field="line_items"]');
    await rowsField.getByRole('button', { name: 'Correct the rows of line_items' }).click();
    await rowsField.getByLabel('Correct line_items row 1 amount').fill('1.234,56 €');
    await panel.getByLabel('Reviewer', { exact: true }).fill('ana');
    await screenshot(page, 'nested-review');
    await panel.getByRole('button', { name: 'Submit corrections' }).click();
    await page.locator('h1 .status-completed').waitFor({ timeout: 30_000 });

    const done = await waitForStatus(stack, id, ['completed']);
    expect(done.result.data.line_items[0].amount).toBe(1234.56);
    expect(done.result.fields['/line_items/0/amount']).toMatchObject({ value: 1234.56, corrected_by: 'ana' });
    // Ground truth per value: the corrected amount, and the rows' other values as the reviewer left them.
    expect(done.expected.line_items[0].amount).toBe(1234.56);
    expect(done.expected.line_items.length).toBe(done.result.data.line_items.length);
    expect(done.result.scoring['/line_items/0/amount'].correct).toBe(false);
    await page.locator('section[data-rows="line_items"] .corrected-cell').first().waitFor();
    expect(problems).toEqual([]);
  });
});
