import { ApiError, FinishReason, GoogleGenAI, type GenerateContentConfig, type GenerateContentResponse, type ThinkingLevel } from '@google/genai';
import { geminiResponseSchema } from '../pipeline/structured-output/gemini-response-schema.ts';
import { usageFromResponse } from './model-prices.ts';
import { parseModelJson, promptAskingForJson } from './model-json.ts';
import {
  abortedByCaller,
  cancelledError,
  connectionError,
  httpProviderError,
  malformedOutputError,
  redactSecrets,
  refusedError,
  timeoutError,
  truncatedError,
} from './provider-errors.ts';
import { geminiThinkingLevel } from './reasoning.ts';
import type { CompletionRequest, CompletionResult, ProviderClient } from './types.ts';

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
  FinishReason.IMAGE_SAFETY,
]);

/**
 * `ProviderClient` over the official @google/genai SDK (Gemini API, not Vertex). Structured output is
 * `responseMimeType: application/json` with the schema as `responseJsonSchema`; Gemini 3's thinking
 * is set with `thinkingLevel`, whose tokens count inside `maxOutputTokens` and are billed as output.
 * Gemini caches repeated prompt prefixes implicitly; the stable-first prompt is what lets it.
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
      const structured = request.model.structured_output === 'response_schema';
      const { system, prompt } = structured ? request : promptAskingForJson(request);
      const thinkingLevel = geminiThinkingLevel(request.model, request.reasoning);

      const config: GenerateContentConfig = {
        systemInstruction: system,
        ...(request.model.temperature ? { temperature: request.temperature } : {}),
        maxOutputTokens: request.maxOutputTokens,
        ...(structured ? { responseMimeType: 'application/json', responseJsonSchema: geminiResponseSchema(request.responseSchema) } : {}),
        ...(thinkingLevel ? { thinkingConfig: { thinkingLevel: thinkingLevel as ThinkingLevel } } : {}),
        httpOptions: { timeout: request.timeoutMs },
        ...(request.signal ? { abortSignal: request.signal } : {}),
      };
      let response: GenerateContentResponse;
      try {
        response = await sdk.models.generateContent({
          model: request.model.provider_model,
          // Page images follow the text as inline data parts.
          contents: [{ role: 'user', parts: [{ text: prompt }, ...(request.images ?? []).map((image) => ({ inlineData: { mimeType: image.mimeType, data: image.data.toString('base64') } }))] }],
          config,
        });
      } catch (error) {
        throw mapGeminiError(error, request, elapsed(), options.apiKey);
      }

      const latencyMs = elapsed();
      const usage = usageFromResponse('gemini', response);
      const candidate = response.candidates?.[0];
      if (!candidate) {
        const blocked = response.promptFeedback?.blockReason;
        if (blocked) throw refusedError('google', `the prompt was blocked (${blocked})`, usage, latencyMs);
        throw malformedOutputError('google', 'the response has no candidates', usage, latencyMs);
      }
      const finishReason = candidate.finishReason ?? 'unknown';
      if (finishReason === FinishReason.MAX_TOKENS) throw truncatedError('google', usage, latencyMs, request.maxOutputTokens);
      if (BLOCKED_REASONS.has(finishReason)) throw refusedError('google', `finishReason ${finishReason}`, usage, latencyMs);
      const text = (candidate.content?.parts ?? [])
        .filter((part) => typeof part.text === 'string' && !part.thought)
        .map((part) => part.text)
        .join('');
      const parsed = parseModelJson(text, { lenient: !structured });
      if (!parsed.ok) throw malformedOutputError('google', parsed.problem, usage, latencyMs);
      return { json: parsed.value, ...usage, finishReason, latencyMs };
    },

    async listModels({ timeoutMs }) {
      try {
        const ids: string[] = [];
        const pager = await sdk.models.list({ config: { httpOptions: { timeout: timeoutMs }, pageSize: 1000 } });
        for await (const model of pager) if (model.name) ids.push(model.name.replace(/^models\//, ''));
        return ids;
      } catch (error) {
        throw mapGeminiError(error, { timeoutMs }, 0, options.apiKey);
      }
    },
  };
}

interface GeminiErrorBody {
  error?: { details?: Array<Record<string, unknown>> };
}

function errorBody(apiErrorMessage: string): GeminiErrorBody {
  try {
    return JSON.parse(apiErrorMessage) as GeminiErrorBody;
  } catch {
    // The SDK keeps the body as its message; a non-JSON body says nothing more.
    return {};
  }
}

/**
 * Gemini reports a 429's wait in the error body (`google.rpc.RetryInfo.retryDelay`, e.g. "1s"),
 * not in a header — and @google/genai's ApiError keeps only the body, as its message.
 */
function retryDelayMs(body: GeminiErrorBody): number | undefined {
  for (const detail of body.error?.details ?? []) {
    const delay = detail['retryDelay'];
    if (typeof delay === 'string') {
      const seconds = /^(\d+(?:\.\d+)?)s$/.exec(delay)?.[1];
      if (seconds !== undefined) return Math.round(Number(seconds) * 1000);
    }
  }
  return undefined;
}

/**
 * The per-minute quotas a 429 names: `QuotaFailure` violations carry the quota's id
 * (`GenerateRequestsPerMinutePerProjectPerModel`, `GenerateContentInputTokensPerModelPerMinute-FreeTier`)
 * and its value.
 */
function minuteQuotas(body: GeminiErrorBody): { rpm?: number; tpm?: number } | undefined {
  const limits: { rpm?: number; tpm?: number } = {};
  for (const detail of body.error?.details ?? []) {
    const violations = Array.isArray(detail['violations']) ? (detail['violations'] as Array<Record<string, unknown>>) : [];
    for (const violation of violations) {
      const id = String(violation['quotaId'] ?? '');
      const value = Number(violation['quotaValue']);
      if (!/PerMinute/i.test(id) || !Number.isFinite(value) || value <= 0) continue;
      if (/Token/i.test(id)) limits.tpm = Math.min(limits.tpm ?? value, value);
      else if (/Request/i.test(id)) limits.rpm = Math.min(limits.rpm ?? value, value);
    }
  }
  return limits.rpm === undefined && limits.tpm === undefined ? undefined : limits;
}

/**
 * A daily quota (`google.rpc.QuotaFailure` with a `...PerDay...` quota id) does not come back within
 * any retry policy's patience, whatever `retryDelay` says: the model is out for today.
 */
function dailyQuotaExhausted(body: GeminiErrorBody): boolean {
  return (body.error?.details ?? []).some((detail) => {
    const violations = detail['violations'];
    return Array.isArray(violations) && violations.some((violation) => /PerDay/i.test(String((violation as Record<string, unknown>)['quotaId'] ?? '')));
  });
}

function mapGeminiError(error: unknown, request: { signal?: AbortSignal | undefined; timeoutMs: number }, latencyMs: number, apiKey: string): unknown {
  if (abortedByCaller(request.signal)) return cancelledError('google', latencyMs, error);
  if (error instanceof ApiError) {
    const body = errorBody(error.message);
    return httpProviderError('google', {
      status: error.status,
      message: redactSecrets(error.message, apiKey),
      retryAfterMs: retryDelayMs(body),
      limits: minuteQuotas(body),
      quotaExhausted: dailyQuotaExhausted(body),
      latencyMs,
      cause: error,
    });
  }
  if (error instanceof Error) {
    // The SDK aborts the fetch itself when httpOptions.timeout passes; the caller's signal did not.
    if (error.name === 'AbortError' || error.name === 'TimeoutError') return timeoutError('google', request.timeoutMs, latencyMs, error);
    // fetch reports network failures as a TypeError whose cause carries the system error.
    if (error instanceof TypeError) {
      const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return connectionError('google', redactSecrets(`${error.message}${cause}`, apiKey), latencyMs, error);
    }
  }
  return error;
}
