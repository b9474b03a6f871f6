import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/providers/catalog.ts';
import { simulatorBaseUrls, startSimulator } from '../../src/providers/simulator/server.ts';
import { invoice, mixedProviderConfig } from '../support/documents.ts';
import { startTestStack, waitForStatus, type TestStack } from '../support/stack.ts';

/**
 * `QUARRY_PROVIDERS=live` with keys and base URLs: the path real providers take, pointed at an
 * out-of-process-style simulator (as `quarry sim` would be), so the SDKs send the keys and the
 * configured endpoints are used. A provider whose key is missing fails its calls at once, naming the
 * variable, and the chain moves on.
 */
describe('live providers', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let stack: TestStack;
  beforeAll(async () => {
    simulator = await startSimulator({ catalog: loadCatalog(), latencyMs: 5, port: 0 });
    const urls = simulatorBaseUrls(simulator.url);
    stack = await startTestStack({
      QUARRY_PROVIDERS: 'live',
      OPENAI_API_KEY: 'sk-test-openai',
      GEMINI_API_KEY: 'test-gemini',
      OPENAI_BASE_URL: urls.openai,
      ANTHROPIC_BASE_URL: urls.anthropic,
      GEMINI_BASE_URL: urls.google,
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await simulator?.close();
  });

  it('calls the configured endpoints with the keys, and skips a provider without one', async () => {
    const id = (await stack.request('POST', '/queue', invoice(90))).body.id;
    // extract starts with an Anthropic model, whose key is not set.
    await stack.request('POST', `/queue/process/${id}`, mixedProviderConfig);
    const item = await waitForStatus(stack, id, ['completed', 'failed']);
    expect(item.status).toBe('completed');
    expect(item.simulated).toBe(false);

    const extract = item.calls.filter((call: { stage: string; step: number }) => call.stage === 'extract' && call.step === 0);
    expect(extract[0]).toMatchObject({ model: 'claude-sonnet-4-6', success: false, error: expect.stringMatching(/ANTHROPIC_API_KEY is not set/) });
    // Non-retryable: one attempt, then the next model of the chain.
    expect(extract.filter((call: { model: string }) => call.model === 'claude-sonnet-4-6')).toHaveLength(1);
    expect(extract[1]).toMatchObject({ model: 'gpt-4.1-mini', success: true });

    const wires = new Set(simulator.requests().map((request) => request.wire));
    expect(wires).toEqual(new Set(['openai', 'gemini']));
    const models = await stack.request('GET', '/models');
    expect(models.body[0].simulated).toBe(false);
  });
});
