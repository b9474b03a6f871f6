import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoice, mixedProviderConfig } from '../support/documents.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * A model its provider retired is not offered, and whatever still names it — a request, a saved
 * configuration, a retry with the configuration an item last ran with — gets a 422 naming the
 * successor, with nothing started. A saved configuration keeps its models (GET shows it as saved),
 * so the refusal says what to change.
 */
describe('retired models', () => {
  let stack: TestStack;
  let itemId: string;
  const retiredConfig = { ...mixedProviderConfig, stage_models: { ...mixedProviderConfig.stage_models, extract: ['claude-sonnet-4', 'gpt-4.1-mini'] } };

  beforeAll(async () => {
    stack = await startTestStack();
    itemId = (await stack.request('POST', '/queue', invoice(400))).body.id;
  });
  afterAll(async () => stack?.stop());

  it('are left out of /models and listed with their successors at /models/retired', async () => {
    const models = await stack.request('GET', '/models');
    const ids = models.body.map((model: { id: string }) => model.id);
    expect(ids).not.toContain('claude-sonnet-4');
    expect(ids).not.toContain('gemini-2.0-flash');
    expect(models.body.find((model: { id: string }) => model.id === 'claude-sonnet-4-6')).toMatchObject({ provider: 'anthropic', accepts_temperature: false, retires_on: null });
    const retired = await stack.request('GET', '/models/retired');
    expect(retired.body).toContainEqual({ id: 'claude-sonnet-4', provider: 'anthropic', provider_model: 'claude-sonnet-4-20250514', retired_on: null, successor: 'claude-sonnet-4-6' });
    expect(retired.body).toContainEqual(expect.objectContaining({ id: 'gemini-2.0-flash', retired_on: '2026-06-01', successor: 'gemini-3.1-flash-lite' }));
  });

  it('in a request: 422 naming the successor, and nothing started', async () => {
    const response = await stack.request('POST', `/queue/process/${itemId}`, retiredConfig);
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({ code: 'model_retired', details: { retired: [{ id: 'claude-sonnet-4', retired_on: null, successor: 'claude-sonnet-4-6' }] } });
    expect(response.body.error.message).toMatch(/claude-sonnet-4 \(retired; use claude-sonnet-4-6\)/);
    expect((await stack.request('GET', `/queue/${itemId}`)).body).toMatchObject({ status: 'pending', workflow_id: null });
    expect((await stack.request('POST', '/configurations', { ...retiredConfig, name: 'new with retired' })).status).toBe(422);
  });

  it('in a saved configuration: shown as saved, refused with 422 when run', async () => {
    const saved = await stack.pool.query<{ id: string }>(
      `INSERT INTO configurations (name, fingerprint, config) VALUES ('saved before the retirement', $1, $2) RETURNING id`,
      [`retired-test-${itemId}`, JSON.stringify(retiredConfig)],
    );
    const id = saved.rows[0]!.id;
    const shown = await stack.request('GET', `/configurations/${id}`);
    expect(shown.status).toBe(200);
    expect(shown.body.stage_models.extract).toEqual(['claude-sonnet-4', 'gpt-4.1-mini']);

    const run = await stack.request('POST', `/queue/process/${itemId}`, { configuration_id: id });
    expect(run.status).toBe(422);
    expect(run.body.error.code).toBe('model_retired');
    expect(run.body.error.message).toContain('claude-sonnet-4-6');
    const experiment = await stack.request('POST', '/experiments', { name: 'with a retired arm', configurations: [{ configuration_id: id }, mixedProviderConfig], item_ids: [itemId] });
    expect(experiment.status).toBe(422);
  });

  it('in the configuration an item last ran with: its retry is refused the same way', async () => {
    const failed = (await stack.request('POST', '/queue', invoice(401))).body.id;
    // The item ran before the model was retired and failed; its stored configuration still names it.
    await stack.pool.query(
      `UPDATE ai_extraction_queue SET status = 'failed', model_config = $2, configuration_id = (SELECT id FROM configurations LIMIT 1), run_id = 'an-earlier-run', workflow_id = $3 WHERE id = $1`,
      [failed, JSON.stringify(retiredConfig), `extraction-${failed}`],
    );
    const retry = await stack.request('POST', `/queue/${failed}/retry`, {});
    expect(retry.status).toBe(422);
    expect(retry.body.error).toMatchObject({ code: 'model_retired' });
  });
});
