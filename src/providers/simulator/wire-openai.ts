import { Hono } from 'hono';
import { z } from 'zod';
import { findSimulatedModel, runSimulatedCall, type SimulatedEffort, type SimulatorState } from './simulated-call.ts';
import { openAIStrictProblems } from './schema-rules.ts';
import { decodeDataUrl, type SimulatedImage } from './simulated-vision.ts';

/**
 * OpenAI's Chat Completions wire (`POST /v1/chat/completions`, `GET /v1/models`): messages in, one
 * choice with `finish_reason` and `usage` out (cached prompt tokens in
 * `prompt_tokens_details.cached_tokens`, reasoning in `completion_tokens_details.reasoning_tokens`),
 * errors as `{"error": {"message", "type", "param", "code"}}`. As strict as the API on what Quarry
 * sends: unknown fields, `max_tokens` or a temperature for a reasoning model, a reasoning effort the
 * model does not take and a schema strict mode would refuse are all 400s.
 */

/** A message's content: its text, and the images of its `image_url` parts (data URLs, decoded). */
const ContentSchema = z.union([
  z.string().transform((text) => ({ text, images: [] as SimulatedImage[] })),
  z
    .array(
      z.discriminatedUnion('type', [
        z.strictObject({ type: z.literal('text'), text: z.string() }),
        z.strictObject({ type: z.literal('image_url'), image_url: z.strictObject({ url: z.string(), detail: z.enum(['auto', 'low', 'high']).optional() }) }),
      ]),
    )
    .transform((parts, ctx) => {
      const images: SimulatedImage[] = [];
      for (const part of parts) {
        if (part.type !== 'image_url') continue;
        const image = decodeDataUrl(part.image_url.url);
        if (typeof image === 'string') ctx.addIssue({ code: 'custom', message: `Invalid image_url: ${image}` });
        else images.push(image);
      }
      return { text: parts.map((part) => (part.type === 'text' ? part.text : '')).join(''), images };
    }),
  z.null().transform(() => ({ text: '', images: [] as SimulatedImage[] })),
]);

const KNOWN_FIELDS = new Set([
  'messages', 'model', 'audio', 'frequency_penalty', 'function_call', 'functions', 'logit_bias', 'logprobs',
  'max_completion_tokens', 'max_tokens', 'metadata', 'modalities', 'n', 'parallel_tool_calls', 'prediction',
  'presence_penalty', 'prompt_cache_key', 'prompt_cache_retention', 'reasoning_effort', 'response_format',
  'safety_identifier', 'seed', 'service_tier', 'stop', 'store', 'stream', 'stream_options', 'temperature',
  'tool_choice', 'tools', 'top_logprobs', 'top_p', 'user', 'verbosity', 'web_search_options',
]);

const ChatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.looseObject({ role: z.string(), content: ContentSchema.optional() })).min(1),
  temperature: z.number().min(0).max(2).nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  max_tokens: z.number().int().positive().nullish(),
  reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
  prompt_cache_key: z.string().nullish(),
  response_format: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('text') }),
      z.strictObject({ type: z.literal('json_object') }),
      z.strictObject({
        type: z.literal('json_schema'),
        json_schema: z.strictObject({
          name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
          description: z.string().optional(),
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullish(),
        }),
      }),
    ])
    .nullish(),
});

const ERROR_TYPES: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
};

function openAIError(status: number, message: string, retryAfterS?: number, param: string | null = null, code?: string, limitRpm?: number): Response {
  const known = ERROR_TYPES[status] ?? { type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  // OpenAI's 429s name the time until the exhausted limit refills, not a Retry-After.
  if (retryAfterS !== undefined) {
    headers['x-ratelimit-remaining-requests'] = '0';
    headers['x-ratelimit-reset-requests'] = `${Number(retryAfterS.toFixed(3))}s`;
    headers['x-ratelimit-reset-tokens'] = '0s';
  }
  if (limitRpm !== undefined) headers['x-ratelimit-limit-requests'] = String(limitRpm);
  return new Response(JSON.stringify({ error: { message, type: known.type, param, code: code ?? known.code } }), { status, headers });
}

let sequence = 0;

export function openAIWire(state: SimulatorState): Hono {
  const app = new Hono();

  app.get('/v1/models', async (c, next) => {
    // Anthropic's models list has the same path on the same simulator; its SDK names its version.
    if (c.req.header('anthropic-version')) return next();
    const data = state.catalog.list().filter((model) => model.wire === 'openai').map((model) => ({ id: model.provider_model, object: 'model', created: 0, owned_by: model.provider }));
    return c.json({ object: 'list', data });
  });

  app.post('/v1/chat/completions', async (c) => {
    const raw = await c.req.json().catch(() => undefined);
    if (typeof raw === 'object' && raw !== null) {
      const unknown = Object.keys(raw).find((key) => !KNOWN_FIELDS.has(key));
      if (unknown) return openAIError(400, `Unrecognized request argument supplied: ${unknown}`, undefined, unknown);
    }
    const parsed = ChatRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return openAIError(400, `Invalid request: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'not JSON'}`);
    }
    const body = parsed.data;
    const model = findSimulatedModel(state.catalog, 'openai', body.model);
    if (model) {
      const refusal = checkAgainstModel(body, model);
      if (refusal) return openAIError(400, refusal.message, undefined, refusal.param, refusal.code);
    }
    const schema = body.response_format?.type === 'json_schema' ? body.response_format.json_schema : undefined;
    if (schema?.strict) {
      const problems = openAIStrictProblems(schema.schema);
      if (problems.length > 0) return openAIError(400, `Invalid schema for response_format '${schema.name}': ${problems.slice(0, 3).join('; ')}`, undefined, 'response_format');
    }

    const text = (role: string) =>
      body.messages
        .filter((message) => message.role === role || (role === 'system' && message.role === 'developer'))
        .map((message) => message.content?.text ?? '')
        .join('\n\n');
    if (body.messages.some((message) => message.role !== 'user' && (message.content?.images.length ?? 0) > 0)) {
      return openAIError(400, 'Image inputs are only supported in user messages.', undefined, 'messages');
    }
    const images = body.messages.flatMap((message) => (message.role === 'user' ? (message.content?.images ?? []) : []));
    const reasoningModel = model?.reasoning.control === 'openai_effort';
    const effort: SimulatedEffort = !reasoningModel ? 'none' : body.reasoning_effort === 'xhigh' ? 'high' : (body.reasoning_effort ?? 'medium');

    const outcome = await runSimulatedCall(
      state,
      {
        wire: 'openai',
        providerModel: body.model,
        system: text('system'),
        prompt: text('user'),
        temperature: body.temperature ?? undefined,
        maxOutputTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
        structured: body.response_format?.type === 'json_schema',
        authenticated: /^Bearer \S+/.test(c.req.header('authorization') ?? ''),
        effort,
        images,
        // OpenAI caches any repeated prefix of 1024 tokens or more, in steps of 128.
        cache: { type: 'implicit', minTokens: 1024, step: 128 },
      },
      c.req.raw.signal,
    );
    if (outcome.type === 'aborted') return new Response(null, { status: 499 });
    if (outcome.type === 'error') return openAIError(outcome.status, outcome.message, outcome.retryAfterS, null, undefined, outcome.limitRpm);

    sequence += 1;
    return c.json({
      id: `chatcmpl-sim-${sequence}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: outcome.text, refusal: null },
          logprobs: null,
          finish_reason: outcome.truncated ? 'length' : 'stop',
        },
      ],
      usage: {
        prompt_tokens: outcome.inputTokens,
        completion_tokens: outcome.outputTokens,
        total_tokens: outcome.inputTokens + outcome.outputTokens,
        prompt_tokens_details: { cached_tokens: outcome.cachedInputTokens, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: outcome.reasoningTokens, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      system_fingerprint: 'quarry-simulator',
    });
  });

  return app;
}

/** The per-model rules of OpenAI's API (reasoning models' parameters, output limits). */
function checkAgainstModel(
  body: z.infer<typeof ChatRequestSchema>,
  model: NonNullable<ReturnType<typeof findSimulatedModel>>,
): { message: string; param: string; code: string } | undefined {
  // Declared OpenAI-compatible servers are lenient about these; OpenAI itself is not.
  if (model.provider !== 'openai') return undefined;
  const reasoning = model.reasoning;
  if (reasoning.control === 'openai_effort' && body.max_tokens != null) {
    return { message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", param: 'max_tokens', code: 'unsupported_parameter' };
  }
  if (!model.temperature && body.temperature != null && body.temperature !== 1) {
    return { message: `Unsupported value: 'temperature' does not support ${body.temperature} with this model. Only the default (1) value is supported.`, param: 'temperature', code: 'unsupported_value' };
  }
  if (body.reasoning_effort != null) {
    if (reasoning.control !== 'openai_effort') {
      return { message: "Unsupported parameter: 'reasoning_effort' is not supported with this model.", param: 'reasoning_effort', code: 'unsupported_parameter' };
    }
    const accepted = reasoning.off === 'none' ? ['none', 'low', 'medium', 'high', 'xhigh'] : reasoning.off === 'minimal' ? ['minimal', 'low', 'medium', 'high'] : ['low', 'medium', 'high'];
    if (!accepted.includes(body.reasoning_effort)) {
      return { message: `Unsupported value: 'reasoning_effort' does not support '${body.reasoning_effort}' with this model. Supported values are: ${accepted.map((value) => `'${value}'`).join(', ')}.`, param: 'reasoning_effort', code: 'unsupported_value' };
    }
  }
  const cap = body.max_completion_tokens ?? body.max_tokens;
  if (cap != null && cap > model.max_output_tokens) {
    return { message: `max_completion_tokens is too large: ${cap}. This model supports at most ${model.max_output_tokens} completion tokens.`, param: 'max_completion_tokens', code: 'invalid_value' };
  }
  return undefined;
}
