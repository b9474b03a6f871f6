import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { openAiResponseFormat } from '../pipeline/structured-output/openai-strict.ts';
import { usageFromResponse } from './model-prices.ts';
import { parseModelJson, promptAskingForJson } from './model-json.ts';
import { malformedOutputError, mapStainlessError, refusedError, truncatedError } from './provider-errors.ts';
import { openAIReasoningEffort } from './reasoning.ts';
import type { CompletionRequest, CompletionResult, ProviderClient } from './types.ts';

/** This SDK's error classes, for the mapping every Stainless SDK shares. */
const ERROR_CLASSES = { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError };

export interface OpenAIClientOptions {
  apiKey: string;
  /** Includes the `/v1` path, e.g. `https://api.openai.com/v1` or `${simulatorUrl}/v1`. */
  baseURL?: string | undefined;
  /** The provider's name in messages: `openai`, or a declared endpoint's. */
  provider?: string;
  /**
   * An OpenAI-compatible server rather than OpenAI itself: it gets the long-standing `max_tokens`
   * (llama-server, Ollama and vLLM all read it) and no OpenAI-only fields such as `prompt_cache_key`.
   */
  compatible?: boolean;
}

/**
 * `ProviderClient` over the official OpenAI SDK's Chat Completions API, which OpenAI-compatible
 * servers (vLLM, llama.cpp, Ollama, LM Studio, the simulator) also speak.
 */
export function createOpenAIClient(options: OpenAIClientOptions): ProviderClient {
  const provider = options.provider ?? 'openai';
  // maxRetries 0: Temporal owns retries; an SDK retrying underneath would multiply attempts.
  const sdk = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0 });

  return {
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const mode = request.model.structured_output;
      const { system, prompt } = mode === 'json_schema' ? request : promptAskingForJson(request);
      const effort = openAIReasoningEffort(request.model, request.reasoning);

      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await sdk.chat.completions.create(
          {
            model: request.model.provider_model,
            // Instructions first, then the user message whose stable part leads: the prefix that
            // OpenAI's automatic prompt cache can reuse across calls.
            messages: [
              { role: 'system', content: system },
              { role: 'user', content: userContent(prompt, request.images) },
            ],
            ...(request.model.temperature ? { temperature: request.temperature } : {}),
            // The cap counts reasoning tokens too; `outputBudget` sized it for both.
            ...(options.compatible ? { max_tokens: request.maxOutputTokens } : { max_completion_tokens: request.maxOutputTokens }),
            ...(effort ? { reasoning_effort: effort } : {}),
            ...(mode === 'json_schema'
              ? { response_format: openAiResponseFormat(request.responseName, request.responseSchema) }
              : mode === 'json_object'
                ? { response_format: { type: 'json_object' as const } }
                : {}),
            ...(request.cacheKey && !options.compatible ? { prompt_cache_key: request.cacheKey } : {}),
          },
          { timeout: request.timeoutMs, maxRetries: 0, ...(request.signal ? { signal: request.signal } : {}) },
        );
      } catch (error) {
        throw mapStainlessError(provider, ERROR_CLASSES, error, request, elapsed(), options.apiKey);
      }

      const latencyMs = elapsed();
      const usage = usageFromResponse('openai', completion);
      const choice = completion.choices[0];
      if (!choice) throw malformedOutputError(provider, 'the response has no choices', usage, latencyMs);
      if (choice.finish_reason === 'length') throw truncatedError(provider, usage, latencyMs, request.maxOutputTokens);
      // A refusal or a content filter is the answer to this input: the same model would decline
      // again, so the workflow should move to the next model instead of retrying.
      if (choice.message.refusal) throw refusedError(provider, choice.message.refusal, usage, latencyMs);
      if (choice.finish_reason === 'content_filter') throw refusedError(provider, 'the content filter stopped the answer', usage, latencyMs);
      const parsed = parseModelJson(choice.message.content ?? '', { lenient: mode !== 'json_schema' });
      if (!parsed.ok) throw malformedOutputError(provider, parsed.problem, usage, latencyMs);
      return { json: parsed.value, ...usage, finishReason: choice.finish_reason, latencyMs };
    },

    async listModels({ timeoutMs }) {
      try {
        const ids: string[] = [];
        for await (const model of sdk.models.list({ timeout: timeoutMs, maxRetries: 0 })) ids.push(model.id);
        return ids;
      } catch (error) {
        throw mapStainlessError(provider, ERROR_CLASSES, error, { timeoutMs }, 0, options.apiKey);
      }
    },
  };
}

/**
 * The user message: its text, then the page images as `image_url` parts holding data URLs, at
 * `detail: high` (a page of small type is unreadable at low detail's 512 pixels).
 */
function userContent(prompt: string, images: CompletionRequest['images']): string | OpenAI.Chat.Completions.ChatCompletionContentPart[] {
  if (!images?.length) return prompt;
  return [
    { type: 'text', text: prompt },
    ...images.map((image) => ({ type: 'image_url' as const, image_url: { url: `data:${image.mimeType};base64,${image.data.toString('base64')}`, detail: 'high' as const } })),
  ];
}
