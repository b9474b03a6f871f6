import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newWatchedPage, openDashboard, screenshot, screenshotOnFailure, type DashboardSession } from '../support/browser.ts';
import { invoice } from '../support/documents.ts';
import { waitForStatus } from '../support/stack.ts';
import { labelledLines, pdfWith } from '../support/test-pdfs.ts';

const accurate = {
  temperature: 0,
  orchestrator_model: 'claude-opus-4-7',
  orchestrator_prompt: '',
  stage_models: { classify: ['gemini-3.5-flash'], extract: ['gpt-5.5'], validate: ['claude-sonnet-4-6'] },
};

/** A three-page invoice: a cover page, the number and vendor on page 2, the date and total on page 3. */
async function threePageInvoice(n: number): Promise<string> {
  const { expected } = invoice(n);
  const pdf = await pdfWith([
    labelledLines(['Document type: invoice', 'Thank you for your business.']),
    labelledLines([`Vendor Name: ${expected.vendor_name}`, `Invoice Number: ${expected.invoice_number}`], { top: 200 }),
    labelledLines([`Issue Date: ${expected.issue_date}`, `Total Amount: $${expected.total_amount.toFixed(2)}`, `Paid: ${expected.paid ? 'yes' : 'no'}`], { top: 400 }),
  ]);
  return Buffer.from(pdf).toString('base64');
}

describe('where each value came from, in the dashboard', { timeout: 240_000 }, () => {
  let session: DashboardSession;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    session = await openDashboard();
    ({ page, problems } = await newWatchedPage(session.context));
  });
  screenshotOnFailure(() => page);
  afterAll(async () => session?.stop());

  async function run(n: number, configuration: object, statuses: string[]) {
    const { stack } = session;
    const queued = await stack.request('POST', '/queue', { ...invoice(n), document: { content_base64: await threePageInvoice(n), mime_type: 'application/pdf' } });
    expect(queued.status, JSON.stringify(queued.body)).toBe(201);
    await stack.request('POST', `/queue/process/${queued.body.id}`, configuration);
    await waitForStatus(stack, queued.body.id, statuses, 180_000);
    return queued.body.id as string;
  }

  /**
   * The box drawn over the page image, as shares of the image's size — once both are on the page:
   * the image is fetched (with the token) after the page switches, and the box can be drawn first.
   */
  const boxOnImage = async () => {
    const figure = page.locator('section.document-card .document-page-figure');
    let measured: { left: number; top: number; width: number; height: number } | null = null;
    await expect
      .poll(async () => {
        measured = await figure.evaluate((element) => {
          const image = element.querySelector('img')?.getBoundingClientRect();
          const box = element.querySelector('.source-box')?.getBoundingClientRect();
          if (!image || !box || image.width === 0 || image.height === 0) return null;
          return { left: (box.left - image.left) / image.width, top: (box.top - image.top) / image.height, width: box.width / image.width, height: box.height / image.height };
        });
        return measured;
      })
      .not.toBeNull();
    return measured!;
  };

  it("jumps to a value's page when it is clicked, with its box on the page image and its text marked", async () => {
    const id = await run(41, accurate, ['completed']);
    const { expected } = invoice(41);
    await page.goto(`${session.server.url}/#/items/${id}`);
    const card = page.locator('section.document-card');
    await card.getByText('of 3').waitFor();

    await page.getByRole('button', { name: 'Show total_amount on page 3' }).click();
    await expect.poll(() => card.getByLabel('Page', { exact: true }).inputValue()).toBe('3');
    await expect.poll(() => card.locator('mark.source-mark').textContent()).toContain(expected.total_amount.toFixed(2));
    await card.locator('.source-box').waitFor();
    const box = await boxOnImage();
    // Total Amount is the second line printed from 400 points down a 792-point page, at the left margin.
    expect(box.top).toBeGreaterThan(0.45);
    expect(box.top).toBeLessThan(0.6);
    expect(box.left).toBeGreaterThan(0.1);
    expect(box.width).toBeGreaterThan(0.02);
    expect(box.height).toBeGreaterThan(0.005);
    await screenshot(page, 'item-value-source');

    await page.getByRole('button', { name: 'Show invoice_number on page 2' }).click();
    await expect.poll(() => card.getByLabel('Page', { exact: true }).inputValue()).toBe('2');
    await expect.poll(() => card.locator('mark.source-mark').textContent()).toBe(expected.invoice_number);
    // A boolean is never written as such: it has no page to show.
    expect(await page.getByRole('button', { name: /Show paid on page/ }).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it("shows a value's page from the review panel", async () => {
    // Every value is below a threshold of 1, so the item waits for a reviewer.
    const id = await run(42, { ...accurate, review: { confidence_threshold: 1, deadline_hours: 1, on_deadline: 'accept' } }, ['needs_review']);
    await page.goto(`${session.server.url}/#/items/${id}`);
    const panel = page.locator('section.review-panel');
    await panel.waitFor();
    await panel.getByRole('button', { name: 'Show vendor_name on page 2' }).click();
    const card = page.locator('section.document-card');
    await expect.poll(() => card.getByLabel('Page', { exact: true }).inputValue()).toBe('2');
    await expect.poll(() => card.locator('mark.source-mark').textContent()).toBe(invoice(42).expected.vendor_name);
    await card.locator('.source-box').waitFor();
    await screenshot(page, 'review-value-source');
    expect(problems).toEqual([]);
  });
});
