import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshRollups } from '../../src/db/refresh-rollups.ts';
import { loadCatalog } from '../../src/providers/catalog.ts';
import { loadEndpoints } from '../../src/providers/endpoints.ts';
import { startSimulator, type RunningSimulator } from '../../src/providers/simulator/server.ts';
import { invoice } from '../support/documents.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

/**
 * An OpenAI-compatible server (here a second simulator on its own port, as llama-server or Ollama
 * would be) declared as a provider of its own in QUARRY_ENDPOINTS, beside the official OpenAI
 * endpoint: its models are in /models under its name, take their place in chains, are called at its
 * URL through the OpenAI SDK, cost 0 unless priced, and show in analytics like any provider.
 */
describe('an OpenAI-compatible endpoint as a provider', () => {
  let server: RunningSimulator;
  let stack: TestStack;
  const declaration = (baseUrl: string) => [{ name: 'local-llama', base_url: baseUrl, models: [{ id: 'local-qwen', provider_model: 'qwen2.5-coder:0.5b', context_window: 32768, max_output_tokens: 4096 }] }];

  beforeAll(async () => {
    // The stand-in server knows the model it serves; its URL is only known once it listens.
    server = await startSimulator({ catalog: loadCatalog({ endpoints: loadEndpoints({ QUARRY_ENDPOINTS: JSON.stringify(declaration('http://127.0.0.1:1/v1')) }) }), latencyMs: 5 });
    stack = await startTestStack({ QUARRY_ENDPOINTS: JSON.stringify(declaration(`${server.url}/v1`)) });
  });
  afterAll(async () => {
    await stack?.stop();
    await server?.close();
  });

  it('runs stages on it beside the built-in providers, at its URL, and counts it under its name', async () => {
    const models = await stack.request('GET', '/models');
    expect(models.body.find((model: { id: string }) => model.id === 'local-qwen')).toMatchObject({
      provider: 'local-llama', provider_model: 'qwen2.5-coder:0.5b', input_usd_per_mtok: 0, output_usd_per_mtok: 0, price_source: 'catalog', simulated: false,
    });

    const id = (await stack.request('POST', '/queue', invoice(500))).body.id;
    const config = { temperature: 0.1, orchestrator_model: 'gpt-4.1-mini', orchestrator_prompt: '', stage_models: { classify: ['gpt-4.1-nano'], extract: ['local-qwen', 'gpt-4.1-mini'], validate: ['local-qwen'] } };
    expect((await stack.request('POST', `/queue/process/${id}`, config)).status).toBe(202);
    const item = await waitForStatus(stack, id, ['completed', 'failed']);
    expect(item.error).toBeUndefined();
    expect(item.status).toBe('completed');

    const rows = (
      await stack.pool.query<{ stage: string; model: string; provider: string; cost_usd: string; simulated: boolean; success: boolean }>(
        'SELECT stage, model, provider, cost_usd, simulated, success FROM model_usage WHERE queue_item_id = $1 ORDER BY id',
        [id],
      )
    ).rows;
    const local = rows.filter((row) => row.model === 'local-qwen');
    // A re-extraction round, when the orchestrator disputes a field, validates again with it.
    expect(new Set(local.map((row) => row.stage))).toEqual(new Set(['extract', 'validate']));
    for (const row of local) expect(row).toMatchObject({ provider: 'local-llama', success: true, simulated: false, cost_usd: '0.00000000' });
    expect(rows.find((row) => row.stage === 'classify')).toMatchObject({ provider: 'openai', simulated: true });

    // The declared server received exactly the endpoint's calls, through the OpenAI wire.
    const seen = server.requests();
    expect(seen).toHaveLength(local.length);
    for (const request of seen) expect(request).toMatchObject({ wire: 'openai', provider_model: 'qwen2.5-coder:0.5b', status: 200 });

    // Analytics read the roll-ups plus at most PENDING_READ_CAP ids not rolled up yet; the test stack's
    // worker runs no roll-up schedule and the shared database gathers every test's calls, so roll up
    // here what the schedule would have.
    await refreshRollups(stack.pool);
    const analytics = await stack.request('GET', '/analytics/models?provider=local-llama');
    expect(analytics.status).toBe(200);
    expect(analytics.body.some((row: { model: string; provider: string }) => row.model === 'local-qwen' && row.provider === 'local-llama')).toBe(true);
  });
});
