import { Hono } from 'hono';
import { z } from 'zod';
import type { CatalogModel } from '../types.ts';
import { anthropicStrictProblems } from './schema-rules.ts';
import { findSimulatedModel, runSimulatedCall, type CacheUse, type SimulatedEffort, type SimulatorState } from './simulated-call.ts';
import { decodeImage, IMAGE_MEDIA_TYPES, type SimulatedImage } from './simulated-vision.ts';

/**
 * Anthropic's Messages wire (`POST /v1/messages`, `GET /v1/models`), as strict as the API version the
 * SDK sends (`anthropic-version: 2026-10-21`): sampling parameters (`temperature`, `top_p`, `top_k`)
 * and unknown fields are refused, thinking follows each model's rules (budgeted or adaptive, never
 * with a forced tool), and strict schemas must fit strict mode. A forced tool's answer comes back as
 * a `tool_use` block, a JSON output as text; cache breakpoints are billed as writes, then reads.
 * Errors are `{"type": "error", "error": {"type", "message"}}`, with 529 for "overloaded".
 */

/** The first API version without sampling parameters. */
const NO_SAMPLING_FROM = '2026-10-21';

const TextBlockSchema = z.strictObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: z.strictObject({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() }).nullish(),
  citations: z.array(z.unknown()).nullish(),
});
const ImageBlockSchema = z.strictObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('base64'), media_type: z.enum(IMAGE_MEDIA_TYPES), data: z.string() }),
    z.strictObject({ type: z.literal('url'), url: z.string() }),
  ]),
  cache_control: z.strictObject({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() }).nullish(),
});
const SystemSchema = z.union([z.string(), z.array(TextBlockSchema).min(1)]);
const BlocksSchema = z.union([z.string(), z.array(z.discriminatedUnion('type', [TextBlockSchema, ImageBlockSchema])).min(1)]);
type Block = string | Array<z.infer<typeof TextBlockSchema> | z.infer<typeof ImageBlockSchema>>;

/** The Messages API's limits on images: 100 a request, 5 MB each. */
const MAX_IMAGES = 100;
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

const KNOWN_FIELDS = new Set([
  'model', 'messages', 'max_tokens', 'cache_control', 'container', 'diagnostics', 'inference_geo', 'metadata',
  'output_config', 'service_tier', 'speed', 'stop_sequences', 'stream', 'system', 'thinking', 'tool_choice', 'tools',
]);
const SAMPLING_FIELDS = ['temperature', 'top_p', 'top_k'];

const MessagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().nonnegative(),
  system: SystemSchema.optional(),
  messages: z.array(z.strictObject({ role: z.enum(['user', 'assistant']), content: BlocksSchema })).min(1),
  temperature: z.number().min(0).max(1).optional(),
  thinking: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('enabled'), budget_tokens: z.number().int(), display: z.enum(['summarized', 'omitted']).nullish() }),
      z.strictObject({ type: z.literal('adaptive'), display: z.enum(['summarized', 'omitted']).nullish() }),
      z.strictObject({ type: z.literal('disabled') }),
    ])
    .optional(),
  output_config: z
    .strictObject({
      effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).nullish(),
      format: z.strictObject({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) }).nullish(),
    })
    .optional(),
  tools: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/),
        description: z.string().optional(),
        input_schema: z.looseObject({ type: z.literal('object') }),
        strict: z.boolean().optional(),
        cache_control: z.unknown().optional(),
        type: z.literal('custom').nullish(),
      }),
    )
    .optional(),
  tool_choice: z
    .strictObject({ type: z.enum(['auto', 'any', 'tool', 'none']), name: z.string().optional(), disable_parallel_tool_use: z.boolean().optional() })
    .optional(),
});
type MessagesRequest = z.infer<typeof MessagesRequestSchema>;

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

let sequence = 0;

function anthropicError(status: number, message: string, retryAfterS?: number, limitRpm?: number): Response {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  sequence += 1;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': `req_sim_${sequence}` };
  // retry-after is whole seconds (RFC 9110); the reset header says the moment to the millisecond.
  if (retryAfterS !== undefined) headers['retry-after'] = String(Math.ceil(retryAfterS));
  if (limitRpm !== undefined && retryAfterS !== undefined) {
    headers['anthropic-ratelimit-requests-limit'] = String(limitRpm);
    headers['anthropic-ratelimit-requests-remaining'] = '0';
    headers['anthropic-ratelimit-requests-reset'] = new Date(Date.now() + retryAfterS * 1000).toISOString();
  }
  return new Response(JSON.stringify({ type: 'error', error: { type, message } }), { status, headers });
}

const textOf = (blocks: Block) => (typeof blocks === 'string' ? blocks : blocks.map((block) => (block.type === 'text' ? block.text : '')).join(''));

/** The images of the user blocks, decoded, or the API's refusal. */
function imagesOf(userBlocks: readonly Block[]): SimulatedImage[] | string {
  const blocks = userBlocks.flatMap((content) => (typeof content === 'string' ? [] : content));
  const images: SimulatedImage[] = [];
  for (const block of blocks) {
    if (block.type !== 'image') continue;
    if (block.source.type === 'url') return 'the simulator takes images as base64 sources only (it has no network to fetch a URL)';
    const image = decodeImage(block.source.media_type, block.source.data);
    if (typeof image === 'string') return `messages: image: ${image}`;
    if (image.data.byteLength > MAX_IMAGE_BYTES) return `messages: image exceeds 5 MB maximum: ${image.data.byteLength} bytes > ${MAX_IMAGE_BYTES} bytes`;
    images.push(image);
  }
  if (images.length > MAX_IMAGES) return `messages: Too many images in the request: ${images.length} > ${MAX_IMAGES}`;
  return images;
}

export function anthropicWire(state: SimulatorState): Hono {
  const app = new Hono();

  app.get('/v1/models', (c) => {
    const data = state.catalog.list().filter((model) => model.wire === 'anthropic').map((model) => ({ type: 'model', id: model.provider_model, display_name: model.display_name, created_at: '2026-01-01T00:00:00Z' }));
    return c.json({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
  });

  app.post('/v1/messages', async (c) => {
    const version = c.req.header('anthropic-version');
    if (!version) return anthropicError(400, 'anthropic-version: header is required');
    const raw = await c.req.json().catch(() => undefined);
    if (typeof raw === 'object' && raw !== null) {
      for (const key of Object.keys(raw)) {
        const sampling = SAMPLING_FIELDS.includes(key);
        if ((sampling && version >= NO_SAMPLING_FROM) || (!sampling && !KNOWN_FIELDS.has(key))) {
          return anthropicError(400, `${key}: Extra inputs are not permitted`);
        }
      }
    }
    const parsed = MessagesRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return anthropicError(400, `invalid request body: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'not JSON'}`);
    }
    const body = parsed.data;
    const model = findSimulatedModel(state.catalog, 'anthropic', body.model);
    const refusal = model ? checkAgainstModel(body, model) : undefined;
    if (refusal) return anthropicError(400, refusal);

    const forced = body.tool_choice?.type === 'tool' ? body.tools?.find((tool) => tool.name === body.tool_choice?.name) : undefined;
    const format = body.output_config?.format ?? undefined;
    const userBlocks = body.messages.filter((message) => message.role === 'user').map((message) => message.content);
    const images = imagesOf(userBlocks);
    if (typeof images === 'string') return anthropicError(400, images);
    const outcome = await runSimulatedCall(
      state,
      {
        wire: 'anthropic',
        providerModel: body.model,
        system: body.system === undefined ? '' : textOf(body.system),
        prompt: userBlocks.map(textOf).join('\n\n'),
        temperature: body.temperature,
        maxOutputTokens: body.max_tokens,
        structured: forced !== undefined || format !== undefined,
        authenticated: (c.req.header('x-api-key') ?? '') !== '' || /^Bearer \S+/.test(c.req.header('authorization') ?? ''),
        effort: effortOf(body),
        cache: cacheOf(userBlocks, model),
        images,
      },
      c.req.raw.signal,
    );
    if (outcome.type === 'aborted') return new Response(null, { status: 499 });
    if (outcome.type === 'error') return anthropicError(outcome.status, outcome.message, outcome.retryAfterS, outcome.limitRpm);

    sequence += 1;
    // A structured answer is a tool call (or JSON text) — unless it was cut off (the partial input is
    // not usable) or is malformed, which the simulator renders as the model answering in prose.
    const thinking = outcome.reasoningTokens > 0 ? [{ type: 'thinking', thinking: '(simulated reasoning)', signature: `sig_sim_${sequence}` }] : [];
    const answer =
      forced !== undefined && !outcome.malformed
        ? [{ type: 'tool_use', id: `toolu_sim_${sequence}`, name: forced.name, input: outcome.truncated ? {} : outcome.answer }]
        : [{ type: 'text', text: outcome.text, citations: null }];
    const { inputTokens, cachedInputTokens, cacheWriteTokens } = outcome;
    return c.json({
      id: `msg_sim_${sequence}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: [...thinking, ...answer],
      stop_reason: outcome.truncated ? 'max_tokens' : forced !== undefined && !outcome.malformed ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: {
        // Anthropic's input_tokens leaves out what was read from or written to the cache.
        input_tokens: inputTokens - cachedInputTokens - cacheWriteTokens,
        output_tokens: outcome.outputTokens,
        cache_creation_input_tokens: cacheWriteTokens,
        cache_read_input_tokens: cachedInputTokens,
        output_tokens_details: { thinking_tokens: outcome.reasoningTokens },
      },
    });
  });

  return app;
}

/** Anthropic's per-model rules on thinking, effort, forced tools, strict schemas and output limits. */
function checkAgainstModel(body: MessagesRequest, model: CatalogModel): string | undefined {
  const control = model.reasoning.control;
  const thinking = body.thinking;
  if (thinking?.type === 'enabled') {
    if (control === 'anthropic_adaptive') return `thinking.type.enabled is not supported for this model. Use thinking.type.adaptive and output_config.effort to control thinking behavior.`;
    if (thinking.budget_tokens < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
    if (thinking.budget_tokens >= body.max_tokens) return '`max_tokens` must be greater than `thinking.budget_tokens`';
  }
  if (thinking?.type === 'adaptive' && control !== 'anthropic_adaptive') return 'thinking.type.adaptive is not supported for this model';
  if (body.output_config?.effort && control !== 'anthropic_adaptive') return 'output_config.effort: effort is not supported for this model';
  const thinkingOn = thinking !== undefined && thinking.type !== 'disabled';
  if (thinkingOn && (body.tool_choice?.type === 'tool' || body.tool_choice?.type === 'any')) return 'Thinking may not be enabled when tool_choice forces tool use.';
  for (const [index, tool] of (body.tools ?? []).entries()) {
    if (!tool.strict) continue;
    const problems = anthropicStrictProblems(tool.input_schema);
    if (problems.length > 0) return `tools.${index}.custom: ${problems[0]}`;
  }
  const format = body.output_config?.format;
  if (format) {
    const problems = anthropicStrictProblems(format.schema);
    if (problems.length > 0) return `output_config.format.schema: ${problems[0]}`;
  }
  if (body.max_tokens > model.max_output_tokens) return `max_tokens: ${body.max_tokens} > ${model.max_output_tokens}, which is the maximum allowed number of output tokens for ${model.provider_model}`;
  return undefined;
}

/** How hard the request lets the simulated model think. */
function effortOf(body: MessagesRequest): SimulatedEffort {
  const thinking = body.thinking;
  if (!thinking || thinking.type === 'disabled') return 'none';
  if (thinking.type === 'adaptive') {
    const effort = body.output_config?.effort ?? 'high';
    return effort === 'xhigh' || effort === 'max' ? 'high' : effort;
  }
  return thinking.budget_tokens <= 2048 ? 'low' : thinking.budget_tokens <= 8192 ? 'medium' : 'high';
}

/** A `cache_control` breakpoint caches the system prompt and the user blocks up to and including it. */
function cacheOf(userBlocks: readonly Block[], model: CatalogModel | undefined): CacheUse {
  const blocks = userBlocks.flatMap((content) => (typeof content === 'string' ? [{ type: 'text' as const, text: content }] : content));
  const marked = blocks.findLastIndex((block) => 'cache_control' in block && block.cache_control);
  if (marked < 0 || !model) return { type: 'none' };
  const minTokens = /^claude-(opus-4-[5-9]|opus-[5-9]|haiku-4-5)/.test(model.provider_model) ? 4096 : 1024;
  return { type: 'explicit', prefix: blocks.slice(0, marked + 1).map((block) => (block.type === 'text' ? block.text : '')).join(''), minTokens };
}
