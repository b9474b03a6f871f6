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

/**
 * Live mode with all three keys, against the simulator as strict as the APIs are today: current
 * models of each provider, at every reasoning level, complete their items and no request is refused
 * on the way (Anthropic without sampling parameters, thinking as each model allows, strict schemas).
 */
describe('live providers, current models, no request refused', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let stack: TestStack;
  beforeAll(async () => {
    simulator = await startSimulator({ catalog: loadCatalog(), latencyMs: 5, port: 0 });
    const urls = simulatorBaseUrls(simulator.url);
    stack = await startTestStack({
      QUARRY_PROVIDERS: 'live',
      OPENAI_API_KEY: 'sk-test-openai',
      ANTHROPIC_API_KEY: 'sk-ant-test',
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

  const chains = [
    { classify: ['gemini-3.5-flash'], extract: ['claude-opus-4-7'], validate: ['gpt-5.4-mini'], orchestrator: 'claude-sonnet-4-6' },
    { classify: ['claude-haiku-4-5'], extract: ['gpt-5.4'], validate: ['gemini-3.1-pro'], orchestrator: 'gemini-3.1-flash-lite' },
  ];

  it.each(['off', 'low', 'high'] as const)('reasoning %s: every call answered, none refused', async (level) => {
    simulator.clearRequests();
    const ids: string[] = [];
    for (const [index, chain] of chains.entries()) {
      const id = (await stack.request('POST', '/queue', invoice(800 + index))).body.id;
      const config = {
        temperature: 0.3,
        orchestrator_model: chain.orchestrator,
        orchestrator_prompt: '',
        stage_models: { classify: chain.classify, extract: chain.extract, validate: chain.validate },
        reasoning: { classify: level, extract: level, validate: level, review: level },
      };
      expect((await stack.request('POST', `/queue/process/${id}`, config)).status).toBe(202);
      ids.push(id);
    }
    for (const id of ids) {
      const item = await waitForStatus(stack, id, ['completed', 'failed']);
      expect(item.error).toBeUndefined();
      expect(item.status).toBe('completed');
    }
    const refused = simulator.requests().filter((request) => request.status !== 200);
    expect(refused).toEqual([]);
    // The configured level reached every model that reasons (off: the least each allows).
    const efforts = new Set(simulator.requests().map((request) => request.effort));
    if (level === 'off') for (const effort of efforts) expect(['none', 'minimal', 'low']).toContain(effort);
    else expect(efforts).toEqual(new Set([level]));
    expect(new Set(simulator.requests().map((request) => request.wire))).toEqual(new Set(['openai', 'anthropic', 'gemini']));
  });
});
