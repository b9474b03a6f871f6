import { Hono } from 'hono';
import { z } from 'zod';
import { runSimulatedCall, type SimulatorState } from './simulated-call.ts';

/**
 * The Gemini API wire (`POST /v1beta/models/{model}:generateContent`): the answer is the text of
 * `candidates[0].content.parts`, with `finishReason` and `usageMetadata`; errors are
 * `{"error": {"code", "message", "status", "details"}}`, and a 429's wait is a `RetryInfo` detail.
 */

const PartsSchema = z.looseObject({
  parts: z.array(z.looseObject({ text: z.string().optional() })).default([]),
  role: z.string().optional(),
});

const GenerateRequestSchema = z.looseObject({
  contents: z.array(PartsSchema).min(1),
  systemInstruction: PartsSchema.optional(),
  generationConfig: z
    .looseObject({
      temperature: z.number().optional(),
      maxOutputTokens: z.number().int().optional(),
      responseMimeType: z.string().optional(),
      responseJsonSchema: z.unknown().optional(),
      responseSchema: z.unknown().optional(),
    })
    .optional(),
});

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

function geminiError(status: number, message: string, retryAfterS?: number): Response {
  const details =
    retryAfterS === undefined ? [] : [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfterS}s` }];
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
  if (retryAfterS !== undefined) headers['retry-after'] = String(retryAfterS);
  const body = { error: { code: status, message, status: STATUS_NAMES[status] ?? (status >= 500 ? 'UNAVAILABLE' : 'FAILED_PRECONDITION'), details } };
  return new Response(JSON.stringify(body), { status, headers });
}

const textOf = (content: z.infer<typeof PartsSchema>) => content.parts.map((part) => part.text ?? '').join('');

let sequence = 0;

export function geminiWire(state: SimulatorState): Hono {
  const app = new Hono();

  // The model and the method share one path segment, `gemini-2.5-flash:generateContent`.
  app.post('/v1beta/models/:target', async (c) => {
    const target = c.req.param('target');
    const colon = target.lastIndexOf(':');
    const providerModel = colon < 0 ? target : target.slice(0, colon);
    if (colon < 0 || target.slice(colon + 1) !== 'generateContent') {
      return geminiError(404, `method ${target} is not served by the simulator`);
    }
    const parsed = GenerateRequestSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return geminiError(400, `invalid request body: ${parsed.error.issues[0]?.message ?? 'not JSON'}`);
    const body = parsed.data;
    const config = body.generationConfig;

    const outcome = await runSimulatedCall(
      state,
      {
        wire: 'gemini',
        providerModel,
        system: body.systemInstruction ? textOf(body.systemInstruction) : '',
        prompt: body.contents
          .filter((content) => content.role !== 'model')
          .map(textOf)
          .join('\n\n'),
        temperature: config?.temperature,
        maxOutputTokens: config?.maxOutputTokens,
        structured: config?.responseJsonSchema !== undefined || config?.responseSchema !== undefined,
        authenticated: (c.req.header('x-goog-api-key') ?? c.req.query('key') ?? '') !== '',
      },
      c.req.raw.signal,
    );
    if (outcome.type === 'aborted') return new Response(null, { status: 499 });
    if (outcome.type === 'error') return geminiError(outcome.status, outcome.message, outcome.retryAfterS);

    sequence += 1;
    return c.json({
      candidates: [
        {
          content: { role: 'model', parts: [{ text: outcome.text }] },
          finishReason: outcome.truncated ? 'MAX_TOKENS' : 'STOP',
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: outcome.inputTokens,
        candidatesTokenCount: outcome.outputTokens,
        totalTokenCount: outcome.inputTokens + outcome.outputTokens,
      },
      modelVersion: providerModel,
      responseId: `sim-${sequence}`,
    });
  });

  return app;
}
