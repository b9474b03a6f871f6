import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/providers/catalog.ts';
import { FaultInjector, FaultsConfigError, parseFaults } from '../../../src/providers/simulator/faults.ts';
import { PromptCache } from '../../../src/providers/simulator/prompt-cache.ts';
import { SimulatedRateLimits } from '../../../src/providers/simulator/rate-limits.ts';
import { RequestLog } from '../../../src/providers/simulator/request-log.ts';
import { createSimulatorApp, startSimulator } from '../../../src/providers/simulator/server.ts';

const catalog = loadCatalog();

function app() {
  return createSimulatorApp({
    catalog,
    promptCache: new PromptCache(),
    faults: new FaultInjector(),
    rateLimits: new SimulatedRateLimits(),
    latencyMs: 0,
    log: new RequestLog(3),
    closing: new AbortController().signal,
  });
}

const openAICall = (model: string) =>
  new Request('http://sim/v1/chat/completions', {
    method: 'POST',
    headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
    body: JSON.stringify({
      model,
      temperature: 0,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'classification',
          schema: { type: 'object', properties: { document_type: { type: 'string' }, confidence: { type: 'number' } }, required: ['document_type', 'confidence'], additionalProperties: false },
          strict: true,
        },
      },
      messages: [{ role: 'user', content: '<task>\nclassify\n</task>\n\n<document>\nDocument type: receipt\n</document>' }],
    }),
  });

describe('simulator faults', () => {
  it('parses the contract examples and the count extension', () => {
    expect(parseFaults('{"gpt-4o": {"status": 429, "rate": 1.0, "retry_after_s": 1}}')).toEqual({
      'gpt-4o': { status: 429, rate: 1, retry_after_s: 1 },
    });
    expect(parseFaults({ o3: { hang: true, rate: 0.2 }, '*': { malformed: true, count: 2 } })).toEqual({
      o3: { hang: true, rate: 0.2 },
      '*': { malformed: true, rate: 1, count: 2 },
    });
    expect(parseFaults('')).toEqual({});
  });

  it('rejects a bad fault with a clear message', () => {
    expect(() => parseFaults('{"gpt-4o": {"status": 429, "rate": 2}}')).toThrow(/gpt-4o\.rate/);
    expect(() => parseFaults('{"gpt-4o": {"rate": 1}}')).toThrow(/exactly one of/);
    expect(() => parseFaults('{"gpt-4o": {"hang": true, "colour": "red"}}')).toThrow(FaultsConfigError);
    expect(() => parseFaults('{gpt-4o')).toThrow(/not JSON/);
  });

  it('draws a fault rate reproducibly', () => {
    const pattern = () => {
      const injector = new FaultInjector({ 'gpt-4o': { status: 500, rate: 0.3 } }, 'seed');
      return Array.from({ length: 200 }, () => (injector.next('gpt-4o') ? 1 : 0)).join('');
    };
    const first = pattern();
    expect(pattern()).toBe(first);
    const share = [...first].filter((bit) => bit === '1').length / first.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.4);
  });

  it('refuses faults for a model the catalog does not have', async () => {
    await expect(startSimulator({ catalog, faults: { 'gpt-6': { status: 500, rate: 1 } } })).rejects.toThrow(
      /unknown models gpt-6; valid models are: .*gpt-4o/,
    );
  });
});

describe('simulator admin routes', () => {
  it('sets faults and lists a bounded log of recent requests', async () => {
    const sim = app();
    const put = await sim.request('/__sim/faults', { method: 'PUT', body: JSON.stringify({ 'gpt-4o-mini': { status: 503, rate: 1 } }) });
    expect(put.status).toBe(200);
    expect((await sim.request('/__sim/faults', { method: 'PUT', body: '{"gpt-4o": {"status": 99}}' })).status).toBe(400);

    expect((await sim.request(openAICall('gpt-4o-mini'))).status).toBe(503);
    const ok = await sim.request(openAICall('gpt-4o'));
    expect(ok.status).toBe(200);
    expect(JSON.parse(((await ok.json()) as any).choices[0].message.content)).toMatchObject({ document_type: 'receipt' });
    for (let i = 0; i < 3; i += 1) await sim.request(openAICall('gpt-4o'));

    const { requests } = (await (await sim.request('/__sim/requests')).json()) as { requests: any[] };
    expect(requests).toHaveLength(3);
    expect(requests[0]).toMatchObject({ wire: 'openai', provider_model: 'gpt-4o', temperature: 0, task: 'classify', status: 200 });
  });

  it('answers 401 in the provider’s own error shape without a key', async () => {
    const response = await app().request('/v1/messages', {
      method: 'POST',
      headers: { 'anthropic-version': '2026-10-21' },
      body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });
});
