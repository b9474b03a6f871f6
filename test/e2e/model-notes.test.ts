import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newWatchedPage, openDashboard, screenshot, screenshotOnFailure, type DashboardSession } from '../support/browser.ts';

/**
 * The configuration page says what the catalog knows about a configuration's models: a model
 * retiring within 30 days is a warning naming its successor, a saved configuration naming a retired
 * model says runs with it are refused, temperature is said not to apply to models whose API takes
 * none, and reasoning is set per stage.
 */
describe('model notes on the configuration page', () => {
  let session: DashboardSession;
  let page: Page;
  let problems: string[];
  // An operator's model whose provider announced its shutdown 12 days from now.
  const retiresOn = new Date(Date.now() + 12 * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    const file = path.join(tmpdir(), `retiring-models-${process.pid}.json`);
    writeFileSync(
      file,
      JSON.stringify([
        {
          id: 'retiring-mini', provider: 'openai', provider_model: 'retiring-mini', display_name: 'Retiring mini', context_window: 128000,
          max_output_tokens: 8192, temperature: true, reasoning: { control: 'none' }, structured_output: 'json_schema',
          typical_output_tokens_per_field: 12, call_timeout_s: 60, prices: { input_usd_per_mtok: 0.1, output_usd_per_mtok: 0.4 },
          retires_on: retiresOn, successor: 'gpt-5.4-mini',
        },
      ]),
    );
    session = await openDashboard({ QUARRY_MODELS_FILE: file });
    ({ page, problems } = await newWatchedPage(session.context));
  });
  screenshotOnFailure(() => page);
  afterAll(async () => session?.stop());

  it('warns of a retirement, notes temperature, saves reasoning, and marks a saved configuration with a retired model', async () => {
    await page.goto(`${session.server.url}/#/configurations`);
    await page.getByLabel('Add a model to extract').selectOption('retiring-mini');
    await page.getByRole('button', { name: 'Add to extract' }).click();
    const item = page.locator('ol[aria-label="extract models, in fallback order"] > li[data-model="retiring-mini"]');
    await expect.poll(() => item.getByRole('note').textContent()).toMatch(new RegExp(`Retires on ${retiresOn} \\(in 1[12] days\\): move to gpt-5\\.4-mini`));

    await page.getByLabel('Orchestrator model').selectOption('claude-sonnet-4-6');
    await expect.poll(() => page.locator('[data-temperature-note]').textContent()).toMatch(/Does not apply to claude-sonnet-4-6/);

    await page.locator('select[name="reasoning-extract"]').selectOption('high');
    const name = `notes ${retiresOn}`;
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Save configuration' }).click();
    await page.getByText(`Saved “${name}”`).waitFor();
    const saved = await session.stack.pool.query(`SELECT config FROM configurations WHERE name = $1`, [name]);
    expect(saved.rows[0].config.reasoning).toMatchObject({ extract: 'high' });

    // A configuration saved before its model was retired: still listed, marked, and refused when run.
    const old = `old ${retiresOn}`;
    await session.stack.pool.query(`INSERT INTO configurations (name, fingerprint, config) VALUES ($1, $2, $3)`, [
      old,
      `e2e-${Date.now()}`,
      JSON.stringify({ temperature: 0, orchestrator_model: 'gpt-4.1', orchestrator_prompt: '', stage_models: { classify: ['gpt-4.1'], extract: ['claude-sonnet-4'], validate: ['gpt-4.1'] } }),
    ]);
    await page.reload();
    const row = page.locator(`li[data-configuration="${old}"]`);
    await expect.poll(() => row.getByRole('note').textContent()).toMatch(/claude-sonnet-4 is retired: replace it with claude-sonnet-4-6/);
    await screenshot(page, 'configurations-model-notes');
    expect(problems).toEqual([]);
  });
});
