import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { pageImage } from '../../src/documents/page-image.ts';
import { LAPTOP, PHONE, newWatchedPage, openDashboard, screenshot, screenshotOnFailure, serveOnFreePort, watchConsole, type DashboardSession } from '../support/browser.ts';
import { invoice, mixedProviderConfig } from '../support/documents.ts';
import { waitForStatus, type TestStack } from '../support/stack.ts';
import { labelledLines, pdfWith } from '../support/test-pdfs.ts';

/** An invoice page scanned at 200 DPI: small enough to read by OCR in a few seconds. */
async function scan(marker: string): Promise<Buffer> {
  const lines = [...invoice(31).document.text.split('\n'), `Reference: ${marker}`];
  return (await pageImage(await pdfWith([labelledLines(lines)], [612, 320]), 'pdf', 1, 200))!.png;
}

describe('documents in the dashboard', { timeout: 240_000 }, () => {
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

  async function itemOf(filename: string): Promise<string> {
    const { rows } = await stack.pool.query('SELECT id FROM ai_extraction_queue WHERE document_filename = $1', [filename]);
    expect(rows).toHaveLength(1);
    return rows[0].id;
  }

  it('uploads a PNG scan, a DOCX and a two-page PDF, and shows each page as read, with its image', async () => {
    const marker = `E2E-${randomUUID().slice(0, 8)}`;
    await page.goto(`${server.url}/#/queue`);
    const form = page.locator('form.add-documents');
    await page.locator('.empty, table.queue-table').first().waitFor();
    if (!(await form.isVisible())) await page.getByRole('button', { name: 'Add documents' }).click();
    await page.getByRole('tab', { name: 'Upload files' }).click();
    const input = page.getByLabel(/Files to extract from/);
    expect(await input.getAttribute('accept')).toContain('image/tiff');
    const twoPages = await pdfWith([[{ text: `Invoice Number: ${marker}-P1`, x: 72, top: 100 }], [{ text: `Page two of ${marker}`, x: 72, top: 100 }]], [612, 396]);
    await input.setInputFiles([
      { name: `${marker}-scan.png`, mimeType: 'image/png', buffer: await scan(marker) },
      { name: `${marker}-letter.docx`, mimeType: '', buffer: readFileSync(new URL('../fixtures/documents/invoice.docx', import.meta.url)) },
      { name: `${marker}-two.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(twoPages) },
    ]);
    await page.getByRole('button', { name: 'Add 3 files to queue' }).click();
    await page.getByText('Added 3 documents to the queue.').waitFor();

    const ids = await Promise.all(['scan.png', 'letter.docx', 'two.pdf'].map((suffix) => itemOf(`${marker}-${suffix}`)));
    const [scanId, docxId, pdfId] = ids as [string, string, string];
    // Before its run the scan is stored, not read: the item page says so.
    await page.goto(`${server.url}/#/items/${scanId}`);
    await page.getByText('Not read yet').waitFor();

    const started = await stack.request('POST', '/queue/process', { ids, configuration: mixedProviderConfig });
    expect(started.body.started).toHaveLength(3);
    for (const id of ids) await waitForStatus(stack, id, ['completed', 'failed'], 180_000);

    // The scan: its one page, read by OCR, the image beside the text.
    await page.reload();
    await page.locator('h1 .status-completed').waitFor();
    const card = page.locator('section.document-card');
    await card.getByText(/read by OCR, confidence \d+/).waitFor();
    expect(await card.locator('pre.document-text').textContent()).toContain(marker);
    await expect.poll(() => card.locator('img.document-page-image').evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(1000);
    await screenshot(page, 'item-document-scan');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'item-document-scan-phone');
    await page.setViewportSize(LAPTOP);

    // The PDF: the switcher moves between its pages, text and image together.
    await page.goto(`${server.url}/#/items/${pdfId}`);
    await card.getByText('of 2').waitFor();
    expect(await card.locator('pre.document-text').textContent()).toContain(`${marker}-P1`);
    const firstImage = await card.locator('img.document-page-image').getAttribute('src');
    await card.getByRole('button', { name: 'Next ›' }).click();
    await expect.poll(() => card.locator('pre.document-text').textContent()).toContain(`Page two of ${marker}`);
    await expect.poll(() => card.locator('img.document-page-image').getAttribute('src')).not.toBe(firstImage);
    expect(await card.getByRole('button', { name: 'Next ›' }).isDisabled()).toBe(true);
    await card.getByLabel('Page', { exact: true }).selectOption('1');
    await expect.poll(() => card.locator('pre.document-text').textContent()).toContain(`${marker}-P1`);
    await screenshot(page, 'item-document-pdf');

    // The DOCX: text only, no image to show.
    await page.goto(`${server.url}/#/items/${docxId}`);
    await card.getByText('text as written in the document').waitFor();
    expect(await card.locator('img').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('loads page images with the API token, which an <img src> alone could not send', async () => {
    const token = `e2e-${randomUUID()}`;
    const guarded = await serveOnFreePort(createApp({ pool: stack.pool, temporal: stack.temporal, catalog: stack.catalog, settings: { ...stack.settings, QUARRY_API_TOKEN: token }, simulated: true }).fetch);
    const pdf = await pdfWith([[{ text: 'Invoice Number: TOKEN-1', x: 72, top: 100 }]], [612, 396]);
    const id = (await stack.request('POST', '/queue', { ...invoice(32), document: { content_base64: Buffer.from(pdf).toString('base64'), mime_type: 'application/pdf' } })).body.id;
    await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig);
    await waitForStatus(stack, id, ['completed', 'failed']);
    const tab = await context.newPage();
    const tabProblems = watchConsole(tab);
    try {
      expect((await fetch(`${guarded.url}/queue/${id}/document/pages/1.png`)).status).toBe(401);
      await tab.goto(`${guarded.url}/#/items/${id}`);
      await tab.getByLabel('API token').fill(token);
      await tab.getByRole('button', { name: 'Sign in' }).click();
      const image = tab.locator('section.document-card img.document-page-image');
      await expect.poll(() => image.evaluate((element: HTMLImageElement) => element.naturalWidth).catch(() => 0)).toBe(1224);
      expect(await image.getAttribute('src')).toMatch(/^blob:/);
      expect(tabProblems).toEqual([]);
    } finally {
      await tab.close();
      await guarded.close();
    }
  });
});
