import { Hono } from 'hono';
import { z } from 'zod';
import { runSimulatedCall, type SimulatorState } from './simulated-call.ts';

/**
 * OpenAI's Chat Completions wire (`POST /v1/chat/completions`), as far as the official SDK and the
 * adapters use it: messages in, one choice with `finish_reason` and `usage` out, errors as
 * `{"error": {"message", "type", "param", "code"}}`.
 */

const ContentSchema = z.union([
  z.string(),
  z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).transform((parts) =>
    parts.map((part) => part.text ?? '').join(''),
  ),
  z.null().transform(() => ''),
]);

const ChatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.looseObject({ role: z.string(), content: ContentSchema.optional() })).min(1),
  temperature: z.number().nullish(),
  max_completion_tokens: z.number().int().nullish(),
  max_tokens: z.number().int().nullish(),
  response_format: z.looseObject({ type: z.string() }).nullish(),
});

const ERROR_TYPES: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
};

function openAIError(status: number, message: string, retryAfterS?: number): Response {
  const { type, code } = ERROR_TYPES[status] ?? { type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (retryAfterS !== undefined) headers['retry-after'] = String(retryAfterS);
  return new Response(JSON.stringify({ error: { message, type, param: null, code } }), { status, headers });
}

let sequence = 0;

export function openAIWire(state: SimulatorState): Hono {
  const app = new Hono();

  app.post('/v1/chat/completions', async (c) => {
    const parsed = ChatRequestSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return openAIError(400, `invalid request body: ${parsed.error.issues[0]?.message ?? 'not JSON'}`);
    const body = parsed.data;
    if (body.response_format && body.response_format.type !== 'json_schema' && body.response_format.type !== 'text') {
      return openAIError(400, `response_format ${body.response_format.type} is not supported by the simulator`);
    }
    const text = (role: string) =>
      body.messages
        .filter((message) => message.role === role || (role === 'system' && message.role === 'developer'))
        .map((message) => message.content ?? '')
        .join('\n\n');
    const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;

    const outcome = await runSimulatedCall(
      state,
      {
        wire: 'openai',
        providerModel: body.model,
        system: text('system'),
        prompt: text('user'),
        temperature: body.temperature ?? undefined,
        maxOutputTokens: maxTokens,
        structured: body.response_format?.type === 'json_schema',
        authenticated: /^Bearer \S+/.test(c.req.header('authorization') ?? ''),
      },
      c.req.raw.signal,
    );
    if (outcome.type === 'aborted') return new Response(null, { status: 499 });
    if (outcome.type === 'error') return openAIError(outcome.status, outcome.message, outcome.retryAfterS);

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
      },
      system_fingerprint: 'quarry-simulator',
    });
  });

  return app;
}
