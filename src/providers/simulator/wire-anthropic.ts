import { Hono } from 'hono';
import { z } from 'zod';
import { runSimulatedCall, type SimulatorState } from './simulated-call.ts';

/**
 * Anthropic's Messages wire (`POST /v1/messages`): a forced tool call comes back as a `tool_use`
 * content block whose `input` is the answer; errors are `{"type": "error", "error": {"type", "message"}}`,
 * with 529 for "overloaded".
 */

const BlocksSchema = z.union([
  z.string(),
  z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).transform((blocks) =>
    blocks.map((block) => block.text ?? '').join(''),
  ),
]);

const MessagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().nonnegative(),
  system: BlocksSchema.optional(),
  messages: z.array(z.looseObject({ role: z.string(), content: BlocksSchema })).min(1),
  temperature: z.number().optional(),
  tools: z.array(z.looseObject({ name: z.string() })).optional(),
  tool_choice: z.looseObject({ type: z.string(), name: z.string().optional() }).optional(),
});

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

function anthropicError(status: number, message: string, retryAfterS?: number): Response {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  sequence += 1;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': `req_sim_${sequence}` };
  if (retryAfterS !== undefined) headers['retry-after'] = String(retryAfterS);
  return new Response(JSON.stringify({ type: 'error', error: { type, message } }), { status, headers });
}

export function anthropicWire(state: SimulatorState): Hono {
  const app = new Hono();

  app.post('/v1/messages', async (c) => {
    const parsed = MessagesRequestSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return anthropicError(400, `invalid request body: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'not JSON'}`);
    }
    const body = parsed.data;
    const forcedTool =
      body.tool_choice?.type === 'tool' ? body.tool_choice.name : body.tools?.length === 1 ? body.tools[0]?.name : undefined;

    const outcome = await runSimulatedCall(
      state,
      {
        wire: 'anthropic',
        providerModel: body.model,
        system: body.system ?? '',
        prompt: body.messages
          .filter((message) => message.role === 'user')
          .map((message) => message.content)
          .join('\n\n'),
        temperature: body.temperature,
        maxOutputTokens: body.max_tokens,
        structured: forcedTool !== undefined,
        authenticated: (c.req.header('x-api-key') ?? '') !== '' || /^Bearer \S+/.test(c.req.header('authorization') ?? ''),
      },
      c.req.raw.signal,
    );
    if (outcome.type === 'aborted') return new Response(null, { status: 499 });
    if (outcome.type === 'error') return anthropicError(outcome.status, outcome.message, outcome.retryAfterS);

    sequence += 1;
    // A structured answer is a tool call — unless it was cut off (the partial input is not usable)
    // or is malformed, which the simulator renders as the model answering in prose instead.
    const content =
      forcedTool !== undefined && !outcome.malformed
        ? [{ type: 'tool_use', id: `toolu_sim_${sequence}`, name: forcedTool, input: outcome.truncated ? {} : outcome.answer }]
        : [{ type: 'text', text: outcome.text, citations: null }];
    return c.json({
      id: `msg_sim_${sequence}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content,
      stop_reason: outcome.truncated ? 'max_tokens' : forcedTool !== undefined && !outcome.malformed ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: outcome.inputTokens,
        output_tokens: outcome.outputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
  });

  return app;
}
