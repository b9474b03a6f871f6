import { ApiError, FinishReason, GoogleGenAI, type GenerateContentResponse } from '@google/genai';
import { parseModelJson, promptAskingForJson } from './model-json.ts';
import {
  abortedByCaller,
  connectionError,
  httpProviderError,
  malformedOutputError,
  redactSecrets,
  timeoutError,
  truncatedError,
} from './provider-errors.ts';
import { ProviderCallError, type CompletionRequest, type CompletionResult, type ProviderClient } from './types.ts';

export interface GeminiClientOptions {
  apiKey: string;
  /**
   * The host root, without the API version: @google/genai builds
   * `{baseUrl}/v1beta/models/{model}:generateContent`.
   */
  baseURL?: string | undefined;
}

// Finish reasons that mean the model declined this content; retrying the same model will not help.
const BLOCKED_REASONS = new Set<string>([
  FinishReason.SAFETY,
  FinishReason.RECITATION,
  FinishReason.BLOCKLIST,
  FinishReason.PROHIBITED_CONTENT,
  FinishReason.SPII,
]);

/**
 * `ProviderClient` over the official @google/genai SDK (Gemini API, not Vertex). Structured output is
 * `responseMimeType: application/json` with the schema as `responseJsonSchema`.
 */
export function createGeminiClient(options: GeminiClientOptions): ProviderClient {
  const sdk = new GoogleGenAI({
    apiKey: options.apiKey,
    vertexai: false,
    // attempts 1: the SDK makes no retry of its own — Temporal owns retries.
    httpOptions: { ...(options.baseURL ? { baseUrl: options.baseURL } : {}), retryOptions: { attempts: 1 } },
  });

  return {
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const structured = request.model.structured_output;
      const { system, prompt } = structured ? request : promptAskingForJson(request);

      let response: GenerateContentResponse;
      try {
        response = await sdk.models.generateContent({
          model: request.model.provider_model,
          contents: [{ role: 'user', parts: [{ text: prompt }] }],
          config: {
            systemInstruction: system,
            temperature: request.temperature,
            maxOutputTokens: request.maxOutputTokens,
            ...(structured ? { responseMimeType: 'application/json', responseJsonSchema: request.responseSchema } : {}),
            httpOptions: { timeout: request.timeoutMs },
            ...(request.signal ? { abortSignal: request.signal } : {}),
          },
        });
      } catch (error) {
        throw mapGeminiError(error, request, elapsed(), options.apiKey);
      }

      const latencyMs = elapsed();
      const usage = {
        inputTokens: response.usageMetadata?.promptTokenCount ?? 0,
        // Thinking tokens are billed as output tokens.
        outputTokens: (response.usageMetadata?.candidatesTokenCount ?? 0) + (response.usageMetadata?.thoughtsTokenCount ?? 0),
        latencyMs,
      };
      const candidate = response.candidates?.[0];
      if (!candidate) {
        const blocked = response.promptFeedback?.blockReason;
        if (blocked) {
          throw new ProviderCallError(`google blocked the prompt: ${blocked}`, {
            kind: 'invalid_request',
            retryable: false,
            ...usage,
          });
        }
        throw malformedOutputError('google', 'the response has no candidates', usage);
      }
      const finishReason = candidate.finishReason ?? 'unknown';
      if (finishReason === FinishReason.MAX_TOKENS) {
        throw truncatedError('google', { ...usage, maxOutputTokens: request.maxOutputTokens });
      }
      if (BLOCKED_REASONS.has(finishReason)) {
        throw new ProviderCallError(`google stopped the answer: ${finishReason}`, {
          kind: 'invalid_request',
          retryable: false,
          ...usage,
        });
      }
      const text = (candidate.content?.parts ?? [])
        .filter((part) => typeof part.text === 'string' && !part.thought)
        .map((part) => part.text)
        .join('');
      const parsed = parseModelJson(text, { lenient: !structured });
      if (!parsed.ok) throw malformedOutputError('google', parsed.problem, usage);
      return { json: parsed.value, ...usage, finishReason };
    },
  };
}

/**
 * Gemini reports a 429's wait in the error body (`google.rpc.RetryInfo.retryDelay`, e.g. "1s"),
 * not in a header — and @google/genai's ApiError keeps only the body, as its message.
 */
function retryDelayMs(apiErrorMessage: string): number | undefined {
  try {
    const body = JSON.parse(apiErrorMessage) as { error?: { details?: Array<Record<string, unknown>> } };
    for (const detail of body.error?.details ?? []) {
      const delay = detail['retryDelay'];
      if (typeof delay === 'string') {
        const seconds = /^(\d+(?:\.\d+)?)s$/.exec(delay)?.[1];
        if (seconds !== undefined) return Math.round(Number(seconds) * 1000);
      }
    }
  } catch {
    // Not JSON: no delay to read.
  }
  return undefined;
}

function mapGeminiError(error: unknown, request: CompletionRequest, latencyMs: number, apiKey: string): unknown {
  if (abortedByCaller(request.signal)) return error;
  if (error instanceof ApiError) {
    return httpProviderError('google', {
      status: error.status,
      message: redactSecrets(error.message, apiKey),
      retryAfterMs: retryDelayMs(error.message),
      latencyMs,
      cause: error,
    });
  }
  if (error instanceof Error) {
    // The SDK aborts the fetch itself when httpOptions.timeout passes; the caller's signal did not.
    if (error.name === 'AbortError' || error.name === 'TimeoutError') {
      return timeoutError('google', request.timeoutMs, latencyMs, error);
    }
    // fetch reports network failures as a TypeError whose cause carries the system error.
    if (error instanceof TypeError) {
      const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return connectionError('google', redactSecrets(`${error.message}${cause}`, apiKey), latencyMs, error);
    }
  }
  return error;
}
