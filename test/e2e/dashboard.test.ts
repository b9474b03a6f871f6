import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { invoiceSchema, mixedProviderConfig } from '../support/documents.ts';
import {
  LAPTOP,
  PHONE,
  newWatchedPage,
  openDashboard,
  screenshot,
  screenshotOnFailure,
  serveOnFreePort,
  watchConsole,
  type DashboardSession,
} from '../support/browser.ts';
import { waitForStatus, type TestStack } from '../support/stack.ts';

describe('the dashboard in Chromium', () => {
  let session: DashboardSession;
  let stack: TestStack;
  let server: DashboardSession['server'];
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    session = await openDashboard();
    ({ stack, server, context } = session);
    ({ page, problems } = await newWatchedPage(context));
  });
  screenshotOnFailure(() => page);
  afterAll(async () => session?.stop());

  it('walks the whole flow: configuration, document, processing, the item, analytics', async () => {
    const name = `E2E balanced ${randomUUID().slice(0, 6)}`;
    const marker = `E2E-${randomUUID().slice(0, 8)}`;

    // 1. Build a configuration: chains per stage, reorder, temperature, orchestrator; save it.
    await page.goto(`${server.url}/#/configurations`);
    await expect.poll(() => page.locator('.simulated-badge').textContent()).toBe('SIMULATED');
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Add a model to validate').selectOption('gpt-4o-mini');
    await page.getByRole('button', { name: 'Add to validate' }).click();
    await page.getByRole('button', { name: 'Move gpt-4o-mini up' }).click();
    const validateChain = page.locator('ol[aria-label="validate models, in fallback order"] > li');
    expect(await validateChain.evaluateAll((items) => items.map((item) => item.getAttribute('data-model')))).toEqual(['gpt-4o-mini', 'gemini-3.1-pro']);
    await page.locator('input[type="range"]').fill('0.3');
    await page.getByLabel('Orchestrator model').selectOption('gpt-4.1');
    await page.getByRole('button', { name: 'Save configuration' }).click();
    await page.getByText(`Saved “${name}”`).waitFor();

    // Reload: the server has it, and the browser remembers it as the one in use.
    await page.reload();
    const saved = page.locator(`li[data-configuration="${name}"]`);
    await saved.waitFor();
    await expect.poll(() => saved.locator('.tag').textContent()).toBe('in use');
    await screenshot(page, 'configurations');

    // 2. Add a labelled document by pasting its text.
    await page.getByRole('link', { name: 'Queue' }).click();
    const form = page.locator('form.add-documents');
    // The form opens by itself on an empty queue: decide only once the list has loaded.
    await page.locator('.empty, table.queue-table').first().waitFor();
    if (!(await form.isVisible())) await page.getByRole('button', { name: 'Add documents' }).click();
    const text = ['Document type: invoice', `Vendor Name: ${marker} GmbH`, 'Invoice Number: INV-7781', 'Issue Date: 2026-03-04', 'Total Amount: $1,234.50', 'Paid: no'].join('\n');
    await page.getByLabel('Document text').fill(text);
    await form.getByText('Expected values').click();
    await page.locator('input[name="expected-invoice_number"]').fill('INV-7781');
    await page.locator('input[name="expected-total_amount"]').fill('1234.50');
    await page.getByRole('button', { name: 'Add to queue' }).click();
    await page.getByText('Added 1 document to the queue.').waitFor();

    // Several files at once: an HTML receipt and a text contract go in as one batch.
    await page.getByRole('tab', { name: 'Upload files' }).click();
    await page.getByLabel(/Files to extract from/).setInputFiles([
      { name: `${marker}-receipt.html`, mimeType: 'text/html', buffer: Buffer.from('<html><body><p>Merchant Name: Corner Shop</p><p>Total Amount: 12.40</p></body></html>') },
      { name: `${marker}-contract.txt`, mimeType: 'text/plain', buffer: Buffer.from('Parties: Acme, Beta\nEffective Date: 2026-01-01') },
    ]);
    await page.getByRole('button', { name: 'Add 2 files to queue' }).click();
    await page.getByText('Added 2 documents to the queue.').waitFor();
    await page.getByRole('tab', { name: 'Paste text' }).click();

    // 3. Process it with the remembered configuration and watch it complete.
    await page.getByLabel('Search documents').fill(marker);
    const row = page.locator('tr[data-item]').filter({ hasText: `${marker} GmbH` });
    expect(await page.locator('tr[data-item]').filter({ hasText: `${marker}-` }).count()).toBe(2);
    await row.waitFor();
    const itemId = (await row.getAttribute('data-item'))!;
    expect(await page.locator('.process-bar select option:checked').textContent()).toBe(name);
    await row.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Process 1 selected' }).click();
    await row.locator('.status-completed').waitFor({ timeout: 30_000 });
    await page.getByText('Batch finished').waitFor();
    await page.getByLabel('Search documents').fill('');
    await screenshot(page, 'queue');

    // 4. Open the item: stages, fields, accuracy, usage, the Temporal UI link.
    await row.getByRole('link').click();
    await page.locator('h1 .status-completed').waitFor();
    await expect.poll(() => page.locator('tr[data-field="invoice_number"] td').first().textContent()).toBeTruthy();
    expect(await page.locator('li[data-stage="extract"]').textContent()).toMatch(/attempt/);
    const temporalLink = await page.getByRole('link', { name: /Open in Temporal UI/ }).getAttribute('href');
    expect(temporalLink).toContain(`/namespaces/default/workflows/extraction-${itemId}`);
    expect(await page.locator('.stat').filter({ hasText: 'Accuracy' }).locator('.stat-value').textContent()).toMatch(/%/);
    expect(await page.locator('section[aria-labelledby="calls-title"] tbody tr').count()).toBeGreaterThan(3);
    await screenshot(page, 'item');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'item-phone');

    // 5. Analytics: the charts render and the exact numbers are in tables.
    await page.setViewportSize(LAPTOP);
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.locator('table[data-table="models"] tbody tr').first().waitFor();
    expect(await page.locator('canvas').count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator('table[data-table="configurations"]').textContent()).toContain(name);
    await page.waitForTimeout(200);
    await screenshot(page, 'analytics');

    await page.setViewportSize(PHONE);
    await page.getByRole('link', { name: 'Queue' }).click();
    await page.locator('tr[data-item]').first().waitFor();
    await screenshot(page, 'queue-phone');
    await page.setViewportSize(LAPTOP);

    expect(problems).toEqual([]);
  });

  it('renders hostile document text, values and model output as inert text', async () => {
    const payloads = {
      script: '<script>window.__pwned = "script"</script>',
      img: '<img src=x onerror="window.__pwned = \'img\'">',
      svg: '"><svg onload="window.__pwned = \'svg\'">',
    };
    const text = [
      'Document type: invoice',
      `Vendor Name: ${payloads.img}`,
      `Invoice Number: ${payloads.script}`,
      'Issue Date: 2026-01-02',
      'Total Amount: $10.00',
      `Notes: ${payloads.svg}`,
    ].join('\n');
    const created = await stack.request('POST', '/queue', {
      document: { text },
      schema: invoiceSchema,
      expected: { vendor_name: payloads.img, invoice_number: payloads.svg },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig);
    await waitForStatus(stack, id, ['completed', 'failed']);

    await page.goto(`${server.url}/#/items/${id}`);
    await page.locator('h1 .status').waitFor();
    await page.locator('tr[data-field="vendor_name"]').waitFor();
    const body = await page.locator('body').textContent();
    expect(body).toContain(payloads.img);
    expect(body).toContain(payloads.svg);
    expect(await page.locator('main img[src="x"], main svg[onload], main script').count()).toBe(0);

    await page.goto(`${server.url}/#/queue`);
    await page.locator(`tr[data-item="${id}"]`).waitFor();
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await page.locator('main img[src="x"], main svg[onload], main script').count()).toBe(0);
    await screenshot(page, 'hostile-item-in-queue');
    expect(problems).toEqual([]);
  });

  it('shows the answer to the newest settings when an answer to older ones is slower', async () => {
    // The answer for a 7-day window is held back until after the page has asked for 90 days.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const held = /\/analytics\/recommendations\?days=7&/;
    await page.route(held, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // The page may have aborted the request by now: then there is nothing to continue.
      await route.continue().catch(() => undefined);
      release();
    });
    try {
      await page.goto(`${server.url}/#/recommendations`);
      const hint = page.locator('.stat').filter({ hasText: 'Labelled runs' }).locator('.stat-hint');
      await hint.waitFor();
      // The 7-day request must be on its way before 90 is chosen: chosen sooner, Preact may render
      // straight to 90 (or abort before the request is routed), and nothing would be held back.
      const heldRequest = page.waitForRequest(held);
      await page.getByLabel('Window').selectOption('7');
      await heldRequest;
      await page.getByLabel('Window').selectOption('90');
      await expect.poll(() => hint.textContent()).toBe('last 90 days');
      await released;
      // Whatever the held answer did, the page still shows the settings chosen last.
      await page.waitForTimeout(300);
      expect(await hint.textContent()).toBe('last 90 days');
      expect(await page.getByLabel('Window').inputValue()).toBe('90');
    } finally {
      await page.unroute(held);
    }
    expect(problems).toEqual([]);
  });

  it('asks for the API token when one is set, and keeps it out of URLs and storage', async () => {
    const token = `e2e-${randomUUID()}`;
    const guarded = createApp({
      pool: stack.pool,
      temporal: stack.temporal,
      catalog: stack.catalog,
      settings: { ...stack.settings, QUARRY_API_TOKEN: token },
      simulated: true,
    });
    const guardedServer = await serveOnFreePort(guarded.fetch);
    const tab = await context.newPage();
    // The one wrong token typed below is refused with a 401, which Chromium logs; nothing else may be.
    const tabProblems = watchConsole(tab, [/status of 401/]);
    try {
      expect((await fetch(`${guardedServer.url}/queue`)).status).toBe(401);
      await tab.goto(guardedServer.url);
      await tab.getByLabel('API token').fill('not-the-token');
      await tab.getByRole('button', { name: 'Sign in' }).click();
      await tab.getByText('That token was not accepted.').waitFor();
      await screenshot(tab, 'sign-in');

      await tab.getByLabel('API token').fill(token);
      await tab.getByRole('button', { name: 'Sign in' }).click();
      await tab.getByRole('heading', { name: 'Queue', exact: true }).waitFor();
      await tab.locator('.simulated-badge').waitFor();
      const stored = await tab.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + location.href + document.cookie);
      expect(stored).not.toContain(token);
      expect(tabProblems).toEqual([]);
    } finally {
      await tab.close();
      await guardedServer.close();
    }
  });
});
