import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAPTOP, PHONE, newWatchedPage, openDashboard, screenshot, screenshotOnFailure, type DashboardSession } from '../support/browser.ts';
import { invoice } from '../support/documents.ts';
import type { TestStack } from '../support/stack.ts';
const ITEMS = 12;

// One model for every stage and the orchestrator: the simulator's profiles make claude-opus-4-7
// right on 99 % of fields and gpt-4.1-nano on 77 %, at very different prices.
const everywhere = (model: string) => ({
  temperature: 0,
  orchestrator_model: model,
  orchestrator_prompt: '',
  stage_models: { classify: [model], extract: [model], validate: [model] },
});

// A/B experiments, recommendations and analytics filters, as a team deciding on a cheaper model uses them.
describe('experiments, recommendations and analytics filters in Chromium', () => {
  let session: DashboardSession;
  let stack: TestStack;
  let server: DashboardSession['server'];
  let page: Page;
  let problems: string[];
  const tag = randomUUID().slice(0, 8);
  const accurate = `E2E accurate ${tag}`;
  const cheap = `E2E cheap ${tag}`;
  let pairedExperiment: string;

  beforeAll(async () => {
    session = await openDashboard();
    ({ stack, server } = session);
    ({ page, problems } = await newWatchedPage(session.context));

    // Labelled documents (the reference line first, so it is in the queue's preview and searchable)
    // and the two configurations, through the API.
    const items = Array.from({ length: ITEMS }, (_, i) => {
      const item = invoice(700 + i);
      return { ...item, document: { text: `Reference: EXP-${tag}\n${item.document.text}` } };
    });
    const [batch, first, second] = await Promise.all([
      stack.request('POST', '/queue/batch', { items }),
      stack.request('POST', '/configurations', { name: accurate, ...everywhere('claude-opus-4-7') }),
      stack.request('POST', '/configurations', { name: cheap, ...everywhere('gpt-4.1-nano') }),
    ]);
    expect([batch.status, first.status, second.status]).toEqual([201, 201, 201]);

    // Evidence for the recommendations: an experiment, started through the API, whose arms differ
    // only in the classify model, so each of its items is a pair for that stage.
    const classifyOnNano = { ...everywhere('claude-opus-4-7'), stage_models: { ...everywhere('claude-opus-4-7').stage_models, classify: ['gpt-4.1-nano'] } };
    const paired = await stack.request('POST', '/experiments', {
      name: `classify on nano ${tag}`,
      configurations: [{ configuration_id: first.body.id }, { name: `E2E classify on nano ${tag}`, ...classifyOnNano }],
      item_ids: batch.body.ids,
      concurrency: 8,
    });
    expect(paired.status).toBe(202);
    pairedExperiment = paired.body.id;
  });
  screenshotOnFailure(() => page);
  afterAll(async () => session?.stop());

  it('creates an experiment in the form, watches it finish and reads its verdict and charts', async () => {
    await page.goto(`${server.url}/#/experiments`);
    await page.getByRole('heading', { level: 1, name: 'Experiments' }).waitFor();
    await page.getByRole('button', { name: 'New experiment' }).click();

    await page.getByLabel('Name', { exact: true }).fill(`opus vs nano ${tag}`);
    const addConfiguration = page.getByLabel('Add a configuration');
    // The cheap one first, then moved below: the control is the one on top.
    await addConfiguration.selectOption({ label: cheap });
    await page.getByRole('button', { name: 'Add configuration' }).click();
    await addConfiguration.selectOption({ label: accurate });
    await page.getByRole('button', { name: 'Add configuration' }).click();
    await page.getByRole('button', { name: `Move ${accurate} up` }).click();
    const arms = page.locator('ol[aria-label="Configurations, control first"] > li');
    expect(await arms.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-arm')))).toEqual([accurate, cheap]);
    expect(await arms.first().locator('.tag').textContent()).toBe('control');

    await page.getByLabel('Search labelled items').fill(`EXP-${tag}`);
    await expect.poll(() => page.locator('.experiment-items tr[data-item]').count()).toBe(ITEMS);
    await page.getByRole('button', { name: 'Select all shown' }).click();
    await page.getByLabel('Concurrency').fill('8');
    await page.getByText(`${ITEMS} selected`).waitFor();
    await screenshot(page, 'experiments-new');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'experiments-new-phone');
    await page.setViewportSize(LAPTOP);

    await page.getByRole('button', { name: `Start experiment · ${ITEMS * 2} runs` }).click();
    await page.waitForURL(/#\/experiments\/[0-9a-f-]{36}$/);
    const experimentId = page.url().split('/').at(-1)!;

    // While it runs: progress, a provisional verdict and the Cancel button.
    await page.locator('[data-progress]').waitFor();
    const verdict = page.locator('[data-verdict]');
    if (await page.getByRole('button', { name: 'Cancel experiment' }).isVisible()) {
      await screenshot(page, 'experiments-running');
    }

    await page.locator('h1 .status-completed').waitFor({ timeout: 30_000 });
    await expect.poll(() => verdict.locator('.tag').first().textContent()).toBe('final');
    expect(await page.getByRole('button', { name: 'Cancel experiment' }).count()).toBe(0);
    expect(await page.locator('[data-progress]').textContent()).toContain(`${ITEMS * 2} of ${ITEMS * 2} runs finished`);
    expect(await verdict.textContent()).toMatch(/significantly more accurate|cheaper|no significant difference|not enough evidence/i);
    expect(await verdict.textContent()).toContain('simulated');
    expect(await page.locator('main canvas').count()).toBe(3);
    const comparison = page.locator('table[data-table="comparisons"] tr[data-comparison="1"]');
    expect(await comparison.locator('td').nth(0).textContent()).toBe(String(ITEMS));
    // The accuracy difference in points with its interval under it.
    expect(await comparison.locator('td').nth(1).textContent()).toMatch(/pt.+ pt to .+ pt$/);
    expect(await page.locator('table[data-table="runs"] tbody tr').count()).toBe(ITEMS);
    await page.waitForTimeout(200);
    await screenshot(page, 'experiments-detail');

    await page.setViewportSize(PHONE);
    await screenshot(page, 'experiments-detail-phone');
    await page.setViewportSize(LAPTOP);

    // Every run opens its own item.
    const firstRun = page.locator('table[data-table="runs"] a.run-cell').first();
    const href = await firstRun.getAttribute('href');
    await firstRun.click();
    await page.waitForURL(`**/${href}`);
    await page.locator('h1 .status').waitFor();

    await page.goto(`${server.url}/#/experiments`);
    await page.locator(`tr[data-experiment="${experimentId}"] .status-completed`).waitFor();
    await screenshot(page, 'experiments');
    expect(problems).toEqual([]);
  });

  it('shows recommendations per stage with their evidence', async () => {
    await expect.poll(async () => (await stack.request('GET', `/experiments/${pairedExperiment}`)).body.status, { timeout: 30_000 }).toBe('completed');
    await page.goto(`${server.url}/#/recommendations`);
    await page.getByRole('heading', { level: 1, name: /Recommendations/ }).waitFor();
    await page.locator('.stat').first().waitFor();
    const labelled = await page.locator('.stat').filter({ hasText: 'Labelled runs' }).locator('.stat-value').textContent();
    expect(Number(labelled!.replace(/,/g, ''))).toBeGreaterThanOrEqual(ITEMS * 2);
    // The experiment started through the API changed only the classify model: each of its items is a pair.
    const classify = page.getByRole('region', { name: 'classify with claude-opus-4-7' }).locator('tr[data-candidate="gpt-4.1-nano"]');
    expect(Number(await classify.locator('td').first().textContent())).toBeGreaterThanOrEqual(ITEMS);
    expect(await classify.locator('.decision').textContent()).toMatch(/^(Switch|Keep current|Insufficient evidence)$/);

    const answered = page.waitForResponse((response) => /min_pairs=5\b/.test(response.url()) && /max_accuracy_loss=0\.05\b/.test(response.url()));
    await page.getByLabel('Min pairs').fill('5');
    await page.getByLabel('Max accuracy loss (points)').fill('5');
    expect((await answered).status()).toBe(200);
    await page.getByText(/stays above −5 points/).waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'recommendations');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'recommendations-phone');
    await page.setViewportSize(LAPTOP);
    expect(problems).toEqual([]);
  });

  it('filters the analytics tables by model', async () => {
    await page.goto(`${server.url}/#/analytics`);
    const models = page.locator('table[data-table="models"] tbody tr');
    await models.first().waitFor();
    const modelsBefore = await models.locator('th').allTextContents();
    expect(modelsBefore).toEqual(expect.arrayContaining(['claude-opus-4-7', 'gpt-4.1-nano']));
    expect(await page.locator('table[data-table="configurations"]').textContent()).toContain(accurate);

    await page.getByRole('combobox', { name: /^Model/ }).selectOption('gpt-4.1-nano');
    await page.locator('section[data-filtered] table[data-table="models"]').waitFor();
    const filtered = await page.locator('table[data-table="models"] tbody th').allTextContents();
    expect(new Set(filtered)).toEqual(new Set(['gpt-4.1-nano']));
    // One row per stage the model served.
    expect(filtered.length).toBeGreaterThanOrEqual(3);
    const configurations = await page.locator('table[data-table="configurations"]').textContent();
    expect(configurations).toContain(cheap);
    expect(configurations).not.toContain(accurate);
    expect(await page.locator('main canvas').count()).toBeGreaterThanOrEqual(4);
    await page.waitForTimeout(200);
    await screenshot(page, 'analytics-filtered');

    await page.getByRole('combobox', { name: /^Stage/ }).selectOption('extract');
    await expect.poll(() => page.locator('table[data-table="models"] tbody tr').count()).toBe(1);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => page.locator('section[data-filtered]').count()).toBe(0);
    expect(await models.locator('th').allTextContents()).toEqual(expect.arrayContaining(['claude-opus-4-7', 'gpt-4.1-nano']));
    expect(problems).toEqual([]);
  });
});
