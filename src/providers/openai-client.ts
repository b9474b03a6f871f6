import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { parseModelJson, promptAskingForJson } from './model-json.ts';
import {
  malformedOutputError,
  mapStainlessError,
  truncatedError,
} from './provider-errors.ts';
import { ProviderCallError, type CompletionRequest, type CompletionResult, type ProviderClient } from './types.ts';

/** This SDK's error classes, for the mapping every Stainless SDK shares. */
const ERROR_CLASSES = { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError };

export interface OpenAIClientOptions {
  apiKey: string;
  /** Includes the `/v1` path, e.g. `https://api.openai.com/v1` or `${simulatorUrl}/v1`. */
  baseURL?: string | undefined;
}

/**
 * `ProviderClient` over the official OpenAI SDK's Chat Completions API, which OpenAI-compatible
 * servers (vLLM, llama.cpp, Ollama, the simulator) also speak.
 */
export function createOpenAIClient(options: OpenAIClientOptions): ProviderClient {
  // maxRetries 0: Temporal owns retries; an SDK retrying underneath would multiply attempts.
  const sdk = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0 });

  return {
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const structured = request.model.structured_output;
      const { system, prompt } = structured ? request : promptAskingForJson(request);

      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await sdk.chat.completions.create(
          {
            model: request.model.provider_model,
            messages: [
              { role: 'system', content: system },
              { role: 'user', content: prompt },
            ],
            ...(request.model.accepts_temperature ? { temperature: request.temperature } : {}),
            max_completion_tokens: request.maxOutputTokens,
            ...(structured
              ? {
                  response_format: {
                    type: 'json_schema' as const,
                    json_schema: { name: request.responseName, schema: request.responseSchema, strict: true },
                  },
                }
              : {}),
          },
          { timeout: request.timeoutMs, maxRetries: 0, ...(request.signal ? { signal: request.signal } : {}) },
        );
      } catch (error) {
        throw mapStainlessError('openai', ERROR_CLASSES, error, request, elapsed(), options.apiKey);
      }

      const latencyMs = elapsed();
      const usage = {
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
        latencyMs,
      };
      const choice = completion.choices[0];
      if (!choice) throw malformedOutputError('openai', 'the response has no choices', usage);
      if (choice.finish_reason === 'length') {
        throw truncatedError('openai', { ...usage, maxOutputTokens: request.maxOutputTokens });
      }
      if (choice.message.refusal) {
        // A refusal is the model's considered answer to this input; another attempt on the same
        // model would refuse again, so the workflow should move to the next model instead.
        throw new ProviderCallError(`openai refused: ${choice.message.refusal}`, {
          kind: 'invalid_request',
          retryable: false,
          ...usage,
        });
      }
      const parsed = parseModelJson(choice.message.content ?? '', { lenient: !structured });
      if (!parsed.ok) throw malformedOutputError('openai', parsed.problem, usage);
      return { json: parsed.value, ...usage, finishReason: choice.finish_reason };
    },
  };
}
