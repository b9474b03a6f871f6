import { Hono } from 'hono';
import { z } from 'zod';
import type { CatalogModel } from '../types.ts';
import { findSimulatedModel, runSimulatedCall, type SimulatedEffort, type SimulatorState } from './simulated-call.ts';
import { decodeImage, type SimulatedImage } from './simulated-vision.ts';

/**
 * The Gemini API wire (`POST /v1beta/models/{model}:generateContent`, `GET /v1beta/models`): the
 * answer is the text of `candidates[0].content.parts`, with `finishReason` and `usageMetadata`
 * (implicitly cached tokens in `cachedContentTokenCount`, thinking in `thoughtsTokenCount`); errors
 * are `{"error": {"code", "message", "status", "details"}}`, and a 429's wait is a `RetryInfo`
 * detail. Unknown fields are refused as the API refuses them ("Unknown name"), and thinking follows
 * each model's rules.
 */

const PartsSchema = z.looseObject({
  parts: z
    .array(
      z.looseObject({
        text: z.string().optional(),
        inlineData: z.strictObject({ mimeType: z.string(), data: z.string(), displayName: z.string().optional() }).optional(),
      }),
    )
    .default([]),
  role: z.string().optional(),
});

/** Inline data may make up a request of 20 MB at most; larger files go through the Files API. */
const MAX_INLINE_BYTES = 20 * 1024 * 1024;

const GenerationConfigSchema = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().optional(),
  topK: z.number().optional(),
  candidateCount: z.number().int().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  stopSequences: z.array(z.string()).optional(),
  responseMimeType: z.string().optional(),
  responseSchema: z.unknown().optional(),
  responseJsonSchema: z.unknown().optional(),
  seed: z.number().int().optional(),
  presencePenalty: z.number().optional(),
  frequencyPenalty: z.number().optional(),
  responseLogprobs: z.boolean().optional(),
  logprobs: z.number().int().optional(),
  thinkingConfig: z
    .strictObject({
      includeThoughts: z.boolean().optional(),
      thinkingBudget: z.number().int().optional(),
      thinkingLevel: z.enum(['MINIMAL', 'LOW', 'MEDIUM', 'HIGH', 'minimal', 'low', 'medium', 'high']).optional(),
    })
    .optional(),
});

const GenerateRequestSchema = z.strictObject({
  contents: z.array(PartsSchema).min(1),
  systemInstruction: PartsSchema.optional(),
  generationConfig: GenerationConfigSchema.optional(),
  safetySettings: z.array(z.unknown()).optional(),
  tools: z.array(z.unknown()).optional(),
  toolConfig: z.unknown().optional(),
  cachedContent: z.string().optional(),
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

function geminiError(status: number, message: string, retryAfterS?: number, limitRpm?: number): Response {
  const details =
    retryAfterS === undefined
      ? []
      : [
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [
              {
                quotaMetric: 'generativelanguage.googleapis.com/generate_content_requests',
                quotaId: 'GenerateRequestsPerMinutePerProjectPerModel',
                ...(limitRpm === undefined ? {} : { quotaValue: String(limitRpm) }),
              },
            ],
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${Number(retryAfterS.toFixed(3))}s` },
        ];
  const body = { error: { code: status, message, status: STATUS_NAMES[status] ?? (status >= 500 ? 'UNAVAILABLE' : 'FAILED_PRECONDITION'), details } };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=UTF-8' } });
}

const textOf = (content: z.infer<typeof PartsSchema>) => content.parts.map((part) => part.text ?? '').join('');

/** The user's inline images, decoded, or the API's refusal. */
function imagesOf(contents: ReadonlyArray<z.infer<typeof PartsSchema>>): SimulatedImage[] | string {
  const images: SimulatedImage[] = [];
  let bytes = 0;
  for (const content of contents.filter((candidate) => candidate.role !== 'model')) {
    for (const part of content.parts) {
      if (!part.inlineData) continue;
      const image = decodeImage(part.inlineData.mimeType, part.inlineData.data);
      if (typeof image === 'string') return `Unable to process input image: ${image}`;
      bytes += image.data.byteLength;
      images.push(image);
    }
  }
  if (bytes > MAX_INLINE_BYTES) return `Request payload size exceeds the limit: ${MAX_INLINE_BYTES} bytes.`;
  return images;
}

let sequence = 0;

export function geminiWire(state: SimulatorState): Hono {
  const app = new Hono();

  app.get('/v1beta/models', (c) =>
    c.json({
      models: state.catalog
        .list()
        .filter((model) => model.wire === 'gemini')
        .map((model) => ({ name: `models/${model.provider_model}`, displayName: model.display_name, supportedGenerationMethods: ['generateContent'] })),
    }),
  );

  // The model and the method share one path segment, `gemini-3.5-flash:generateContent`.
  app.post('/v1beta/models/:target', async (c) => {
    const target = c.req.param('target');
    const colon = target.lastIndexOf(':');
    const providerModel = colon < 0 ? target : target.slice(0, colon);
    if (colon < 0 || target.slice(colon + 1) !== 'generateContent') {
      return geminiError(404, `method ${target} is not served by the simulator`);
    }
    const parsed = GenerateRequestSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const unknown = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : undefined;
      return geminiError(400, unknown ? `Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.` : `invalid request body: ${issue?.message ?? 'not JSON'}`);
    }
    const body = parsed.data;
    const images = imagesOf(body.contents);
    if (typeof images === 'string') return geminiError(400, images);
    const config = body.generationConfig;
    const model = findSimulatedModel(state.catalog, 'gemini', providerModel);
    const refusal = model ? checkAgainstModel(config, model) : undefined;
    if (refusal) return geminiError(400, refusal);

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
        effort: effortOf(config, model),
        images,
        // Gemini caches repeated prefixes implicitly from 1024 tokens on.
        cache: { type: 'implicit', minTokens: 1024, step: 1 },
      },
      c.req.raw.signal,
    );
    if (outcome.type === 'aborted') return new Response(null, { status: 499 });
    if (outcome.type === 'error') return geminiError(outcome.status, outcome.message, outcome.retryAfterS, outcome.limitRpm);

    sequence += 1;
    const thoughts = outcome.reasoningTokens;
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
        // Gemini counts thinking apart from the answer; both are billed as output.
        candidatesTokenCount: outcome.outputTokens - thoughts,
        ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
        ...(outcome.cachedInputTokens > 0 ? { cachedContentTokenCount: outcome.cachedInputTokens } : {}),
        totalTokenCount: outcome.inputTokens + outcome.outputTokens,
      },
      modelVersion: providerModel,
      responseId: `sim-${sequence}`,
    });
  });

  return app;
}

/** Gemini's per-model rules on thinking and output limits. */
function checkAgainstModel(config: z.infer<typeof GenerationConfigSchema> | undefined, model: CatalogModel): string | undefined {
  const thinking = config?.thinkingConfig;
  const reasoning = model.reasoning;
  if (thinking?.thinkingLevel !== undefined) {
    if (reasoning.control !== 'gemini_level') return 'Thinking level is not supported for this model.';
    if (thinking.thinkingBudget !== undefined) return 'thinking_budget and thinking_level cannot both be set.';
    if (reasoning.off === 'low' && thinking.thinkingLevel.toLowerCase() === 'minimal') return 'Thinking level MINIMAL is not supported for this model.';
  }
  if (config?.maxOutputTokens !== undefined && config.maxOutputTokens > model.max_output_tokens) {
    return `The requested maxOutputTokens (${config.maxOutputTokens}) exceeds the limit of ${model.max_output_tokens} for ${model.provider_model}.`;
  }
  return undefined;
}

function effortOf(config: z.infer<typeof GenerationConfigSchema> | undefined, model: CatalogModel | undefined): SimulatedEffort {
  if (model?.reasoning.control !== 'gemini_level') return 'none';
  // Gemini 3 thinks at its high level when not told otherwise.
  const level = config?.thinkingConfig?.thinkingLevel?.toLowerCase() ?? 'high';
  return level as SimulatedEffort;
}
