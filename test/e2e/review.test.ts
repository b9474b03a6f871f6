import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAPTOP, PHONE, newWatchedPage, openDashboard, screenshot, screenshotOnFailure, type DashboardSession } from '../support/browser.ts';
import { invoice, mixedProviderConfig } from '../support/documents.ts';
import { waitForStatus, type TestStack } from '../support/stack.ts';

// Human review, retry from the failed stage, and the budget and review settings of a
// configuration, as a reviewer and an operator use them in the dashboard.
describe('review, retry and limits in Chromium', () => {
  let session: DashboardSession;
  let stack: TestStack;
  let server: DashboardSession['server'];
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  async function queueInvoice(n: number, marker: string): Promise<string> {
    const document = invoice(n);
    const created = await stack.request('POST', '/queue', { ...document, document: { text: `Reference: ${marker}\n${document.document.text}` } });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  /** A fresh tab whose console is watched; `allow` lists errors the test provokes on purpose. */
  async function openTab(allow: RegExp[] = []) {
    await page?.close();
    ({ page, problems } = await newWatchedPage(context, allow));
  }

  beforeAll(async () => {
    // One attempt per model, so a fault fails a stage at once instead of being retried.
    session = await openDashboard({ QUARRY_ATTEMPTS_PER_MODEL: '1' });
    ({ stack, server, context } = session);
  });
  screenshotOnFailure(() => page);
  afterAll(async () => session?.stop());

  it('saves a budget and a review policy with a configuration, and loads them again', async () => {
    await openTab();
    const name = `E2E limits ${randomUUID().slice(0, 6)}`;
    await page.goto(`${server.url}/#/configurations`);
    await page.getByLabel('Name', { exact: true }).fill(name);

    // A budget that is not a positive amount cannot be saved.
    await page.getByLabel('Budget per item (USD)').fill('-1');
    await page.getByText(/A budget is more than \$0/).waitFor();
    expect(await page.getByRole('button', { name: 'Save configuration' }).isDisabled()).toBe(true);

    await page.getByLabel('Budget per item (USD)').fill('0.05');
    await page.getByLabel('Send doubtful items to a reviewer').check();
    await page.getByLabel('Confidence threshold (0–1)').fill('0.9');
    await page.getByLabel('Deadline (hours)').fill('2');
    await page.getByLabel('When nobody decides in time').selectOption('fail');
    await screenshot(page, 'configuration-limits');
    await page.getByRole('button', { name: 'Save configuration' }).click();
    await page.getByText(`Saved “${name}”`).waitFor();

    const listed = (await stack.request('GET', '/configurations')).body as Array<Record<string, unknown>>;
    expect(listed.find((row) => row.name === name)).toMatchObject({
      max_cost_usd: 0.05,
      review: { confidence_threshold: 0.9, deadline_hours: 2, on_deadline: 'fail' },
    });

    // After a reload the list says what the limits are, and "Use" puts them back in the editor.
    await page.reload();
    const saved = page.locator(`li[data-configuration="${name}"]`);
    await saved.waitFor();
    expect(await saved.locator('[data-policy]').textContent()).toBe('budget $0.05 per item · review below 90 % confidence, fail after 2 h');
    await page.getByLabel('Send doubtful items to a reviewer').uncheck();
    await page.getByLabel('Budget per item (USD)').fill('');
    await saved.getByRole('button', { name: `Use ${name}` }).click();
    expect(await page.getByLabel('Budget per item (USD)').inputValue()).toBe('0.05');
    expect(await page.getByLabel('Send doubtful items to a reviewer').isChecked()).toBe(true);
    expect(await page.getByLabel('Confidence threshold (0–1)').inputValue()).toBe('0.9');
    expect(await page.getByLabel('Deadline (hours)').inputValue()).toBe('2');
    expect(await page.getByLabel('When nobody decides in time').inputValue()).toBe('fail');

    // Without limits, neither key is sent: the server refuses keys it does not know, and an empty one means none.
    const plain = `${name} plain`;
    await page.getByLabel('Name', { exact: true }).fill(plain);
    await page.getByLabel('Budget per item (USD)').fill('');
    await page.getByLabel('Send doubtful items to a reviewer').uncheck();
    await page.getByRole('button', { name: 'Save configuration' }).click();
    await page.getByText(`Saved “${plain}”`).waitFor();
    const plainRow = ((await stack.request('GET', '/configurations')).body as Array<Record<string, unknown>>).find((row) => row.name === plain);
    expect(plainRow).toBeDefined();
    expect(plainRow).not.toHaveProperty('max_cost_usd');
    expect(plainRow).not.toHaveProperty('review');
    expect(await page.locator(`li[data-configuration="${plain}"] [data-policy]`).textContent()).toBe('no budget · no human review');
    expect(problems).toEqual([]);
  });

  it('sends a doubtful item to a reviewer, whose correction finishes the run', async () => {
    await openTab();
    const marker = `REVIEW-${randomUUID().slice(0, 8)}`;
    const name = `E2E every item reviewed ${marker}`;
    // A threshold of 1 sends every item to review: no model is that sure of every field.
    const savedConfig = await stack.request('POST', '/configurations', {
      name,
      ...mixedProviderConfig,
      review: { confidence_threshold: 1, deadline_hours: 1, on_deadline: 'accept' },
    });
    expect(savedConfig.status).toBe(201);
    const id = await queueInvoice(70, marker);

    // Process it from the queue with that configuration.
    await page.goto(`${server.url}/#/queue`);
    await page.getByLabel('Search documents').fill(marker);
    const row = page.locator(`tr[data-item="${id}"]`);
    await row.waitFor();
    await page.locator('.process-bar select').selectOption({ label: name });
    await row.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Process 1 selected' }).click();
    await row.locator('.status-needs_review').waitFor({ timeout: 30_000 });

    // The queue says how many wait for a reviewer, and filters to them.
    await expect.poll(async () => Number.parseInt((await page.locator('[data-review-count]').textContent()) ?? '0', 10)).toBeGreaterThanOrEqual(1);
    await page.getByRole('button', { name: /waiting for review/ }).click();
    expect(await page.getByRole('button', { name: /^Needs review/ }).getAttribute('aria-pressed')).toBe('true');
    await row.waitFor();
    await page.getByLabel('Search documents').fill('');
    await screenshot(page, 'queue-needs-review');

    // The review panel: why, each field with the model's value, and an input to correct it.
    await row.getByRole('link').click();
    const panel = page.locator('section.review-panel');
    await panel.waitFor();
    expect(await panel.locator('.review-reasons li').count()).toBeGreaterThan(0);
    expect(await panel.locator('[data-review-field]').count()).toBe(5);
    const modelValue = (await panel.locator('[data-review-field="invoice_number"] .review-model .value-cell').textContent()) ?? '';
    expect(modelValue).not.toBe('');
    expect(await panel.getByLabel('Correct paid').evaluate((element) => element.tagName)).toBe('SELECT');
    expect(await panel.getByLabel('Correct issue_date').getAttribute('type')).toBe('date');

    await panel.getByLabel('Reviewer', { exact: true }).fill('ana');
    const corrected = `INV-CORRECTED-${marker}`;
    await panel.getByLabel('Correct invoice_number').fill(corrected);
    // Accepting as is would drop the correction just typed: it waits until the inputs are clear.
    expect(await panel.getByRole('button', { name: 'Accept as is' }).isDisabled()).toBe(true);
    await screenshot(page, 'review-panel');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'review-panel-phone');
    await page.setViewportSize(LAPTOP);

    await panel.getByRole('button', { name: 'Submit corrections' }).click();
    // A refusal shows in the panel: fail with the server's words rather than wait out a timeout.
    const refusal = panel.locator('.notice-error');
    const outcome = await Promise.race([
      page.locator('h1 .status-completed').waitFor({ timeout: 30_000 }).then(() => 'completed'),
      refusal.waitFor({ timeout: 30_000 }).then(async () => `refused: ${await refusal.textContent()}`),
    ]);
    expect(outcome).toBe('completed');
    expect(await page.locator('section.review-panel').count()).toBe(0);
    const value = page.locator('tr[data-field="invoice_number"] td.value-cell').first();
    expect(await value.textContent()).toContain(corrected);
    expect(await value.locator('.corrected').textContent()).toBe(`corrected by ana; model said ${modelValue}`);
    await page.getByText('Reviewed by ana before it finished.').waitFor();
    // The name is remembered for the next review; it is not a secret.
    expect(await page.evaluate(() => localStorage.getItem('quarry.reviewer'))).toBe('ana');
    await screenshot(page, 'item-reviewed');
    expect(problems).toEqual([]);
  });

  it('accepts a doubtful item as is, under the reviewer name the browser remembers', async () => {
    await openTab();
    const marker = `ACCEPT-${randomUUID().slice(0, 8)}`;
    const id = await queueInvoice(73, marker);
    const process = await stack.request('POST', `/queue/process/${id}`, { ...mixedProviderConfig, review: { confidence_threshold: 1, deadline_hours: 1, on_deadline: 'fail' } });
    expect(process.status).toBe(202);
    expect((await waitForStatus(stack, id, ['needs_review', 'completed', 'failed'])).status).toBe('needs_review');

    await page.goto(`${server.url}/#/queue`);
    await page.evaluate(() => localStorage.setItem('quarry.reviewer', 'cy'));
    await page.goto(`${server.url}/#/items/${id}`);
    const panel = page.locator('section.review-panel');
    await panel.waitFor();
    expect(await panel.getByLabel('Reviewer', { exact: true }).inputValue()).toBe('cy');
    await panel.getByRole('button', { name: 'Accept as is' }).click();
    const refusal = panel.locator('.notice-error');
    const outcome = await Promise.race([
      page.locator('h1 .status-completed').waitFor({ timeout: 30_000 }).then(() => 'completed'),
      refusal.waitFor({ timeout: 30_000 }).then(async () => `refused: ${await refusal.textContent()}`),
    ]);
    expect(outcome).toBe('completed');
    await page.getByText('Reviewed by cy before it finished.').waitFor();
    expect(await page.locator('.corrected').count()).toBe(0);
    const done = (await stack.request('GET', `/queue/${id}`)).body;
    expect(done.result.reviewed_by).toBe('cy');
    expect(problems).toEqual([]);
  });

  it('corrects a completed item’s fields afterwards, and the accuracy follows', async () => {
    await openTab();
    const marker = `CORRECT-${randomUUID().slice(0, 8)}`;
    const id = await queueInvoice(71, marker);
    expect((await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig)).status).toBe(202);
    expect((await waitForStatus(stack, id, ['completed', 'failed'])).status).toBe('completed');

    await page.goto(`${server.url}/#/items/${id}`);
    await page.locator('h1 .status-completed').waitFor();
    await page.getByRole('button', { name: 'Correct fields' }).click();
    const form = page.locator('form.review-form');
    expect(await form.getByRole('button', { name: 'Save corrections' }).isDisabled()).toBe(true);
    await form.getByLabel('Reviewer', { exact: true }).fill('bo');
    // Not a number: said at the input, and nothing is sent.
    await form.getByLabel('Correct total_amount').fill('twelve');
    await form.getByRole('button', { name: 'Save corrections' }).click();
    await form.getByText('Not a number.').waitFor();
    await form.getByLabel('Correct total_amount').fill('');
    // No model says this, so the field is scored wrong: at most 4 of 5 fields remain right.
    const truth = `INV-TRUTH-${marker}`;
    await form.getByLabel('Correct invoice_number').fill(truth);
    await form.getByRole('button', { name: 'Save corrections' }).click();
    await page.getByText(/Saved bo’s corrections as the ground truth: accuracy now/).waitFor();

    const after = (await stack.request('GET', `/queue/${id}`)).body;
    expect(after.expected.invoice_number).toBe(truth);
    expect(after.accuracy).toBeLessThanOrEqual(0.8);
    const shown = `${(after.accuracy * 100).toFixed(1)} %`;
    await expect.poll(() => page.locator('.stat').filter({ hasText: 'Accuracy' }).locator('.stat-value').textContent()).toBe(shown);
    expect(await page.locator('tr[data-field="invoice_number"] td.value-cell').nth(1).textContent()).toBe(truth);
    await page.getByText('Ground truth last corrected by bo.').waitFor();
    expect(problems).toEqual([]);
  });

  it('retries a failed item from the stage that failed, reusing the stages before it', async () => {
    // The 409 of the refused resume below is logged by Chromium; nothing else may be.
    await openTab([/status of 409/]);
    const marker = `RETRY-${randomUUID().slice(0, 8)}`;
    const id = await queueInvoice(72, marker);
    // gpt-4o is the only validate model: with it failing, validate fails and so does the item.
    await stack.setFaults({ 'gpt-4o': { status: 500, rate: 1 } });
    try {
      expect((await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig)).status).toBe(202);
      const failed = await waitForStatus(stack, id, ['failed', 'completed']);
      expect(failed.status).toBe('failed');
    } finally {
      await stack.setFaults({});
    }

    await page.goto(`${server.url}/#/items/${id}`);
    await page.locator('h1 .status-failed').waitFor();
    await page.getByRole('button', { name: 'Retry…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Retry this item' });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByLabel('Configuration for the stages that run again').locator('option').count()).toBeGreaterThan(1);
    await screenshot(page, 'retry-dialog', { fullPage: false });

    // Later than what the last run finished: refused, with the stage it can resume from.
    await dialog.getByLabel('Resume from').selectOption('review');
    await dialog.getByRole('button', { name: 'Start the retry' }).click();
    await dialog.getByText('the last run finished only the stages before validate', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Resume from validate instead' }).waitFor();
    await screenshot(page, 'retry-dialog-refused', { fullPage: false });
    await page.setViewportSize(PHONE);
    await screenshot(page, 'retry-dialog-phone', { fullPage: false });
    await page.setViewportSize(LAPTOP);

    // The server's choice: from the first stage that did not finish.
    await dialog.getByLabel('Resume from').selectOption('');
    await dialog.getByRole('button', { name: 'Start the retry' }).click();
    await page.getByText('Retrying from validate').waitFor();
    expect(await dialog.isVisible()).toBe(false);
    await page.locator('h1 .status-completed').waitFor({ timeout: 30_000 });

    for (const stage of ['classify', 'extract']) {
      const step = page.locator(`li[data-stage="${stage}"]`);
      expect(await step.getAttribute('data-status')).toBe('reused');
      expect(await step.locator('.status').textContent()).toBe('Reused');
    }
    expect(await page.locator('li[data-stage="validate"]').getAttribute('data-status')).toBe('completed');
    expect(await page.locator('li[data-stage="validate"]').textContent()).toContain('gpt-4o');
    await screenshot(page, 'item-retried');
    expect(problems).toEqual([]);
  });
});
