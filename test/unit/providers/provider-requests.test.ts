import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildExtractPrompt } from '../../../src/pipeline/stage-prompts.ts';
import { geminiResponseSchema } from '../../../src/pipeline/structured-output/gemini-response-schema.ts';
import { parseExtractionSchema } from '../../../src/contract/schema/parse-schema.ts';
import type { CanonicalSchema } from '../../../src/contract/schema/schema-node.ts';
import { loadCatalog } from '../../../src/providers/catalog.ts';
import { loadEndpoints } from '../../../src/providers/endpoints.ts';
import { createProviderClients } from '../../../src/providers/provider-clients.ts';
import { outputBudget } from '../../../src/providers/reasoning.ts';
import { ProviderCallError, type CompletionRequest, type ProviderClient, type ReasoningLevel } from '../../../src/providers/types.ts';
import { expectedInvoice, invoiceSchema, invoiceSchemaInput, syntheticInvoice } from '../../fixtures/providers/synthetic-documents.ts';

/*
 * The exact requests each official SDK sends for Quarry, intercepted on loopback, checked against
 * the providers' published rules (not against the simulator):
 * - Anthropic, API version 2026-10-21 (what @anthropic-ai/sdk 1.x sends): no temperature, top_p or
 *   top_k; thinking adaptive (effort in output_config) on Opus 4.7 / Sonnet 4.6, budgeted (≥ 1024,
 *   below max_tokens) on Haiku 4.5; never a forced tool while thinking; strict schemas closed with
 *   additionalProperties: false and free of numeric and length constraints.
 * - OpenAI: max_completion_tokens (max_tokens is refused by reasoning models), no temperature for
 *   reasoning models, reasoning_effort only where the model takes it, strict json_schema whose
 *   objects require every property and allow no others.
 * - Gemini 3: thinkingLevel, responseJsonSchema, maxOutputTokens with room for thinking.
 */

interface Captured {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

type Reply = { status: number; body: unknown; headers?: Record<string, string> };

let server: Server;
let captured: Captured[] = [];
let nextReply: ((request: Captured) => Reply) | undefined;
let clients: Record<string, ProviderClient>;

const catalogEnv = { QUARRY_ENDPOINTS: JSON.stringify([{ name: 'local-llama', base_url: 'http://127.0.0.1:1/v1', models: [{ id: 'qwen-local', context_window: 32768 }] }]) };
const endpoints = loadEndpoints(catalogEnv);
const catalog = loadCatalog({ endpoints });

const answer = () => ({ data: expectedInvoice(3), default_confidence: 0.9, confidence: [] });

/** A successful answer in each provider's shape, with cached and reasoning tokens in the usage. */
function success(request: Captured): Reply {
  const text = JSON.stringify(answer());
  if (request.path.endsWith('/chat/completions')) {
    return {
      status: 200,
      body: {
        id: 'c', object: 'chat.completion', created: 0, model: request.body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: 3000, completion_tokens: 700, total_tokens: 3700, prompt_tokens_details: { cached_tokens: 2048 }, completion_tokens_details: { reasoning_tokens: 400 } },
      },
    };
  }
  if (request.path === '/v1/messages') {
    const tool = request.body.tools?.[0]?.name;
    return {
      status: 200,
      body: {
        id: 'm', type: 'message', role: 'assistant', model: request.body.model, stop_sequence: null,
        content: tool ? [{ type: 'tool_use', id: 't', name: tool, input: answer() }] : [{ type: 'text', text, citations: null }],
        stop_reason: tool ? 'tool_use' : 'end_turn',
        usage: { input_tokens: 500, output_tokens: 600, cache_read_input_tokens: 2000, cache_creation_input_tokens: 300 },
      },
    };
  }
  return {
    status: 200,
    body: {
      candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 3000, candidatesTokenCount: 300, thoughtsTokenCount: 250, cachedContentTokenCount: 1024, totalTokenCount: 3550 },
      modelVersion: 'gemini',
    },
  };
}

beforeAll(async () => {
  server = createServer((incoming, response) => {
    let raw = '';
    incoming.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    incoming.on('end', () => {
      const request: Captured = { method: incoming.method ?? '', path: (incoming.url ?? '').split('?')[0]!, headers: incoming.headers, body: raw ? JSON.parse(raw) : undefined };
      captured.push(request);
      const reply = (nextReply ?? success)(request);
      response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      response.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  clients = createProviderClients(
    { openai: { apiKey: 'sk-test-0123456789abcdef', baseURL: `${root}/v1` }, anthropic: { apiKey: 'sk-ant-test-0123456789', baseURL: root }, google: { apiKey: 'AIza-test-key', baseURL: root } },
    endpoints.map((endpoint) => ({ ...endpoint, baseURL: `${root}/v1` })),
  );
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  captured = [];
  nextReply = undefined;
});

function requestFor(modelId: string, reasoning: ReasoningLevel = 'low', schema: CanonicalSchema = invoiceSchema): CompletionRequest {
  const model = catalog.require(modelId);
  const prompt = buildExtractPrompt({ document: syntheticInvoice(3), schema });
  return {
    model,
    system: prompt.system,
    prompt: prompt.prompt,
    stablePrefix: prompt.stablePrefix,
    temperature: 0.2,
    reasoning,
    responseSchema: prompt.responseSchema,
    responseName: prompt.responseName,
    maxOutputTokens: outputBudget(model, reasoning, prompt.values, 1).maxOutputTokens,
    timeoutMs: 5000,
    cacheKey: 'quarry-extract-test',
  };
}

async function send(modelId: string, reasoning: ReasoningLevel = 'low', schema?: CanonicalSchema) {
  const request = requestFor(modelId, reasoning, schema);
  const result = await clients[catalog.require(modelId).provider]!.complete(request);
  expect(captured).toHaveLength(1);
  return { request, result, sent: captured[0]! };
}

async function failure(modelId: string, reply: Reply): Promise<ProviderCallError> {
  nextReply = () => reply;
  try {
    await clients[catalog.require(modelId).provider]!.complete(requestFor(modelId));
  } catch (error) {
    if (error instanceof ProviderCallError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

/** Every (sub)schema of a JSON Schema. */
function* schemas(node: unknown): Generator<Record<string, any>> {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
  const schema = node as Record<string, any>;
  yield schema;
  for (const child of Object.values(schema.properties ?? {})) yield* schemas(child);
  yield* schemas(schema.items);
  for (const variant of [...(schema.anyOf ?? []), ...(schema.allOf ?? [])]) yield* schemas(variant);
}

/** Anthropic's strict-mode subset: closed objects, no numeric or length constraints. */
function expectAnthropicStrictSchema(schema: unknown) {
  for (const sub of schemas(schema)) {
    if (sub.type === 'object') expect(sub.additionalProperties).toBe(false);
    for (const keyword of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'maxItems']) {
      expect(sub, `strict schemas may not use ${keyword}`).not.toHaveProperty(keyword);
    }
  }
}

/** OpenAI's strict mode: every object requires all its properties and allows no others. */
function expectOpenAIStrictSchema(schema: any) {
  expect(schema.type).toBe('object');
  for (const sub of schemas(schema)) {
    if (sub.type !== 'object') continue;
    expect(sub.additionalProperties).toBe(false);
    expect([...(sub.required ?? [])].sort()).toEqual(Object.keys(sub.properties ?? {}).sort());
  }
}

const SAMPLING = ['temperature', 'top_p', 'top_k'];

describe('Anthropic requests (anthropic-version 2026-10-21)', () => {
  it('Sonnet 4.6 thinking: adaptive with an effort, JSON output instead of a forced tool, no sampling parameters', async () => {
    const { sent, request } = await send('claude-sonnet-4-6', 'low');
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['anthropic-version']).toBe('2026-10-21');
    for (const field of SAMPLING) expect(sent.body).not.toHaveProperty(field);
    expect(sent.body.thinking).toEqual({ type: 'adaptive' });
    expect(sent.body.output_config.effort).toBe('low');
    expect(sent.body.tool_choice?.type ?? 'auto').not.toMatch(/^(tool|any)$/);
    expect(sent.body.output_config.format.type).toBe('json_schema');
    expectAnthropicStrictSchema(sent.body.output_config.format.schema);
    expect(sent.body.max_tokens).toBe(request.maxOutputTokens);
    expect(sent.body.max_tokens).toBeLessThanOrEqual(request.model.max_output_tokens);
  });

  it('reasoning off: a forced tool with strict: true, thinking disabled', async () => {
    const { sent, result } = await send('claude-sonnet-4-6', 'off');
    for (const field of SAMPLING) expect(sent.body).not.toHaveProperty(field);
    expect(sent.body.thinking).toEqual({ type: 'disabled' });
    expect(sent.body.tools).toHaveLength(1);
    expect(sent.body.tools[0]).toMatchObject({ name: 'extraction', strict: true });
    expect(sent.body.tool_choice).toMatchObject({ type: 'tool', name: 'extraction' });
    expectAnthropicStrictSchema(sent.body.tools[0].input_schema);
    // Usage as billed: input_tokens leaves out cache reads and writes, which are counted back in.
    expect(result).toMatchObject({ inputTokens: 2800, cachedInputTokens: 2000, cacheWriteTokens: 300, outputTokens: 600 });
  });

  it('Haiku 4.5: budgeted thinking of at least 1024 tokens, below max_tokens, and no effort', async () => {
    const { sent } = await send('claude-haiku-4-5', 'low');
    expect(sent.body.thinking.type).toBe('enabled');
    expect(sent.body.thinking.budget_tokens).toBeGreaterThanOrEqual(1024);
    expect(sent.body.thinking.budget_tokens).toBeLessThan(sent.body.max_tokens);
    expect(sent.body.output_config?.effort).toBeUndefined();
  });

  it('Opus 4.7: never budgeted thinking, at every level', async () => {
    for (const level of ['off', 'low', 'medium', 'high'] as const) {
      captured = [];
      const { sent } = await send('claude-opus-4-7', level);
      expect(sent.body.thinking?.type).not.toBe('enabled');
      for (const field of SAMPLING) expect(sent.body).not.toHaveProperty(field);
    }
  });

  it('a schema beyond strict mode’s union limit goes without strict; while thinking, in the prompt', async () => {
    const wide = parseExtractionSchema({ name: 'wide', fields: Array.from({ length: 20 }, (_, index) => ({ name: `f${index}`, type: 'string' })) });
    const off = await send('claude-sonnet-4-6', 'off', wide);
    expect(off.sent.body.tools[0]).not.toHaveProperty('strict');
    captured = [];
    const thinking = await send('claude-sonnet-4-6', 'low', wide);
    expect(thinking.sent.body.tools).toBeUndefined();
    expect(thinking.sent.body.output_config.format).toBeUndefined();
    expect(thinking.sent.body.output_config.effort).toBe('low');
  });

  it('marks the stable head of the prompt for caching only when it is long enough to be cached', async () => {
    const short = await send('claude-sonnet-4-6', 'off');
    expect(JSON.stringify(short.sent.body)).not.toContain('cache_control');
    captured = [];
    const described = parseExtractionSchema({ name: 'long', fields: invoiceSchemaInput.fields.map((field) => ({ ...field, description: `${field.name} as printed. `.repeat(60) })) });
    const long = await send('claude-sonnet-4-6', 'off', described);
    const blocks = long.sent.body.messages[0].content;
    expect(blocks[0]).toMatchObject({ type: 'text', cache_control: { type: 'ephemeral' } });
    expect(blocks[0].text).toContain('<schema>');
    expect(blocks[0].text).not.toContain('<document>');
    expect(blocks[1].text).toContain('<document>');
  });

  it('maps a refusal, a spend limit and a missing model to non-retryable errors', async () => {
    expect(await failure('claude-sonnet-4-6', { status: 200, body: { id: 'm', type: 'message', role: 'assistant', model: 'x', content: [], stop_reason: 'refusal', stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } })).toMatchObject({ kind: 'refused', retryable: false });
    const spend = { type: 'error', error: { type: 'rate_limit_error', message: 'spend limit reached', details: { error_code: 'enforced_spend_limit_reached' } } };
    expect(await failure('claude-sonnet-4-6', { status: 429, body: spend, headers: { 'retry-after': '30' } })).toMatchObject({ kind: 'quota_exhausted', retryable: false });
    expect(await failure('claude-sonnet-4-6', { status: 429, body: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } }, headers: { 'retry-after': '7' } })).toMatchObject({ kind: 'rate_limited', retryable: true, retryAfterMs: 7000 });
    expect(await failure('claude-sonnet-4-6', { status: 404, body: { type: 'error', error: { type: 'not_found_error', message: 'model: claude-x' } } })).toMatchObject({ kind: 'model_not_found', retryable: false });
  });
});

describe('OpenAI requests', () => {
  it('a reasoning model: max_completion_tokens with room for reasoning, an effort, no temperature, strict schema', async () => {
    const { sent, request, result } = await send('gpt-5.4-mini', 'low');
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.body).not.toHaveProperty('max_tokens');
    expect(sent.body).not.toHaveProperty('temperature');
    expect(sent.body.reasoning_effort).toBe('low');
    expect(sent.body.max_completion_tokens).toBe(request.maxOutputTokens);
    expect(sent.body.max_completion_tokens).toBeGreaterThan(2048);
    expect(sent.body.prompt_cache_key).toBe('quarry-extract-test');
    expect(sent.body.response_format.json_schema.strict).toBe(true);
    expectOpenAIStrictSchema(sent.body.response_format.json_schema.schema);
    // The stable part leads: instructions, then the schema, before the document.
    expect(sent.body.messages.map((message: { role: string }) => message.role)).toEqual(['system', 'user']);
    const user: string = sent.body.messages[1].content;
    expect(user.indexOf('<schema>')).toBeLessThan(user.indexOf('<document>'));
    expect(result).toMatchObject({ inputTokens: 3000, cachedInputTokens: 2048, outputTokens: 700, reasoningTokens: 400 });
  });

  it('a model that takes a temperature gets it, and no reasoning effort', async () => {
    const { sent } = await send('gpt-4.1-mini', 'low');
    expect(sent.body.temperature).toBe(0.2);
    expect(sent.body).not.toHaveProperty('reasoning_effort');
  });

  it('reasoning off is the least each model accepts', async () => {
    expect((await send('gpt-5.4-mini', 'off')).sent.body.reasoning_effort).toBe('none');
    captured = [];
    expect((await send('gpt-5-mini', 'off')).sent.body.reasoning_effort).toBe('minimal');
  });

  it('an OpenAI-compatible endpoint gets max_tokens and no OpenAI-only fields', async () => {
    const { sent } = await send('qwen-local', 'low');
    expect(sent.body.model).toBe('qwen-local');
    expect(sent.body.max_tokens).toBeGreaterThan(0);
    expect(sent.body).not.toHaveProperty('max_completion_tokens');
    expect(sent.body).not.toHaveProperty('prompt_cache_key');
    expect(sent.body).not.toHaveProperty('reasoning_effort');
    expect(sent.body.response_format.type).toBe('json_schema');
  });

  it('waits for the exhausted limit’s reset; quota, content filters and missing models are final', async () => {
    const limited = { error: { message: 'Rate limit reached', type: 'tokens', param: null, code: 'rate_limit_exceeded' } };
    const headers = { 'x-ratelimit-remaining-requests': '99', 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '6m0s' };
    expect(await failure('gpt-5.4-mini', { status: 429, body: limited, headers })).toMatchObject({ kind: 'rate_limited', retryable: true, retryAfterMs: 360_000 });
    const quota = { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } };
    expect(await failure('gpt-5.4-mini', { status: 429, body: quota })).toMatchObject({ kind: 'quota_exhausted', retryable: false });
    const filtered = { id: 'c', object: 'chat.completion', created: 0, model: 'gpt-5.4-mini', choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null }, finish_reason: 'content_filter', logprobs: null }], usage: { prompt_tokens: 10, completion_tokens: 0, total_tokens: 10 } };
    expect(await failure('gpt-5.4-mini', { status: 200, body: filtered })).toMatchObject({ kind: 'refused', retryable: false });
    expect(await failure('gpt-5.4-mini', { status: 404, body: { error: { message: 'The model does not exist', type: 'invalid_request_error', param: null, code: 'model_not_found' } } })).toMatchObject({ kind: 'model_not_found', retryable: false });
  });
});

describe('Gemini requests', () => {
  it('Gemini 3: a thinking level, the JSON schema, and output room for thinking', async () => {
    const { sent, request, result } = await send('gemini-3.5-flash', 'low');
    expect(sent.path).toBe('/v1beta/models/gemini-3.5-flash:generateContent');
    const config = sent.body.generationConfig;
    expect(config.thinkingConfig).toEqual({ thinkingLevel: 'LOW' });
    expect(config.responseMimeType).toBe('application/json');
    expect(config.responseJsonSchema).toEqual(geminiResponseSchema(request.responseSchema));
    expect(config.maxOutputTokens).toBe(request.maxOutputTokens);
    expect(result).toMatchObject({ inputTokens: 3000, cachedInputTokens: 1024, outputTokens: 550, reasoningTokens: 250 });
  });

  it('Gemini 3.1 Pro cannot stop thinking: off is its lowest level', async () => {
    expect((await send('gemini-3.1-pro', 'off')).sent.body.generationConfig.thinkingConfig).toEqual({ thinkingLevel: 'LOW' });
  });

  it('a daily quota is final; a per-minute limit waits for its retryDelay', async () => {
    const quota = (quotaId: string) => ({
      error: {
        code: 429, message: 'You exceeded your current quota', status: 'RESOURCE_EXHAUSTED',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_requests', quotaId }] },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '34s' },
        ],
      },
    });
    expect(await failure('gemini-3.5-flash', { status: 429, body: quota('GenerateRequestsPerDayPerProjectPerModel') })).toMatchObject({ kind: 'quota_exhausted', retryable: false });
    expect(await failure('gemini-3.5-flash', { status: 429, body: quota('GenerateRequestsPerMinutePerProjectPerModel') })).toMatchObject({ kind: 'rate_limited', retryable: true, retryAfterMs: 34_000 });
  });

  it('a per-minute 429 names its quota: the rate limits learn it', async () => {
    const body = {
      error: {
        code: 429, message: 'You exceeded your current quota', status: 'RESOURCE_EXHAUSTED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [
              { quotaMetric: 'generativelanguage.googleapis.com/generate_content_input_token_count', quotaId: 'GenerateContentInputTokensPerModelPerMinute-FreeTier', quotaValue: '250000' },
              { quotaMetric: 'generativelanguage.googleapis.com/generate_content_requests', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel', quotaValue: '10' },
            ],
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.25s' },
        ],
      },
    };
    expect(await failure('gemini-3.5-flash', { status: 429, body })).toMatchObject({ kind: 'rate_limited', retryAfterMs: 250, limits: { rpm: 10, tpm: 250_000 } });
  });

  it('an OpenAI 429 names its limits in its headers', async () => {
    const limited = { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } };
    const headers = { 'x-ratelimit-limit-requests': '500', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '120ms' };
    expect(await failure('gpt-5.4-mini', { status: 429, body: limited, headers })).toMatchObject({ kind: 'rate_limited', retryAfterMs: 120, limits: { rpm: 500 } });
  });
});

describe("page images, in each provider's own form", () => {
  const image = { mimeType: 'image/png' as const, data: Buffer.from('89504e470d0a1a0a', 'hex'), width: 1224, height: 1584 };
  const withImages = async (modelId: string) => {
    const request = { ...requestFor(modelId), images: [image, image] };
    await clients[catalog.require(modelId).provider]!.complete(request);
    return { request, body: captured[0]!.body };
  };
  const base64 = image.data.toString('base64');

  it('OpenAI: image_url parts holding data URLs at high detail, after the text of the user message', async () => {
    const { request, body } = await withImages('gpt-5.4');
    const user = body.messages.find((message: { role: string }) => message.role === 'user');
    expect(user.content).toEqual([
      { type: 'text', text: request.prompt },
      ...[1, 2].map(() => ({ type: 'image_url', image_url: { url: `data:image/png;base64,${base64}`, detail: 'high' } })),
    ]);
    expect(body.messages.find((message: { role: string }) => message.role === 'system').content).toBe(request.system);
  });

  it('Anthropic: base64 image blocks after the text blocks, the cached head still first', async () => {
    const { body } = await withImages('claude-opus-4-7');
    const blocks = body.messages[0].content;
    expect(blocks.at(-1)).toEqual({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: base64 } });
    expect(blocks.filter((block: { type: string }) => block.type === 'image')).toHaveLength(2);
    expect(blocks[0].type).toBe('text');
    expect(blocks.slice(0, -2).every((block: { type: string }) => block.type === 'text')).toBe(true);
  });

  it('Gemini: inlineData parts after the text part', async () => {
    const { request, body } = await withImages('gemini-3.5-flash');
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: request.prompt }, { inlineData: { mimeType: 'image/png', data: base64 } }, { inlineData: { mimeType: 'image/png', data: base64 } }] }]);
  });

  it('sends no image part without images', async () => {
    const { body } = (await send('gpt-5.4')).sent;
    expect(body.messages.find((message: { role: string }) => message.role === 'user').content).toEqual(expect.any(String));
  });
});
