import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { parseModelJson, promptAskingForJson } from './model-json.ts';
import {
  malformedOutputError,
  mapStainlessError,
  truncatedError,
} from './provider-errors.ts';
import { ProviderCallError, type CompletionRequest, type CompletionResult, type ProviderClient } from './types.ts';

/** This SDK's error classes, for the mapping every Stainless SDK shares. */
const ERROR_CLASSES = { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError };

export interface AnthropicClientOptions {
  apiKey: string;
  /** The host root, without `/v1` (the SDK adds `/v1/messages`), e.g. the simulator's url. */
  baseURL?: string | undefined;
}

/**
 * `ProviderClient` over the official Anthropic SDK's Messages API. Structured output is a single
 * tool whose `input_schema` is the response schema, forced with `tool_choice`, so the answer arrives
 * as the tool call's already-parsed input.
 */
export function createAnthropicClient(options: AnthropicClientOptions): ProviderClient {
  // maxRetries 0: Temporal owns retries. The explicit per-call timeout also keeps the SDK from
  // refusing large max_tokens values as "requires streaming".
  const sdk = new Anthropic({ apiKey: options.apiKey, baseURL: options.baseURL ?? null, maxRetries: 0 });

  return {
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const structured = request.model.structured_output;
      const { system, prompt } = structured ? request : promptAskingForJson(request);

      // This SDK release dropped `temperature` from its request type, but the Messages API still
      // takes it for the catalog's models, and the run's temperature is part of the experiment: send
      // it anyway (the SDK passes the body through as given).
      const params: Anthropic.Messages.MessageCreateParamsNonStreaming & { temperature: number } = {
        model: request.model.provider_model,
        system,
        messages: [{ role: 'user', content: prompt }],
        max_tokens: request.maxOutputTokens,
        temperature: request.temperature,
        ...(structured
          ? {
              tools: [
                {
                  name: request.responseName,
                  description: 'Record the answer. Call this tool exactly once with the complete answer.',
                  input_schema: request.responseSchema as Anthropic.Messages.Tool.InputSchema,
                },
              ],
              tool_choice: { type: 'tool' as const, name: request.responseName },
            }
          : {}),
      };
      let message: Anthropic.Messages.Message;
      try {
        message = await sdk.messages.create(params, {
          timeout: request.timeoutMs,
          maxRetries: 0,
          ...(request.signal ? { signal: request.signal } : {}),
        });
      } catch (error) {
        throw mapStainlessError('anthropic', ERROR_CLASSES, error, request, elapsed(), options.apiKey);
      }

      const latencyMs = elapsed();
      const usage = {
        inputTokens: message.usage.input_tokens,
        outputTokens: message.usage.output_tokens,
        latencyMs,
      };
      const stopReason = message.stop_reason ?? 'unknown';
      if (stopReason === 'max_tokens' || stopReason === 'model_context_window_exceeded') {
        throw truncatedError('anthropic', { ...usage, maxOutputTokens: request.maxOutputTokens });
      }
      if (stopReason === 'refusal') {
        // Another attempt on the same model would refuse again: let the fallback chain move on.
        throw new ProviderCallError('anthropic refused to answer', { kind: 'invalid_request', retryable: false, ...usage });
      }
      if (structured) {
        const call = message.content.find(
          (block): block is Anthropic.Messages.ToolUseBlock => block.type === 'tool_use' && block.name === request.responseName,
        );
        if (!call) throw malformedOutputError('anthropic', `no call of the ${request.responseName} tool`, usage);
        if (typeof call.input !== 'object' || call.input === null || Array.isArray(call.input)) {
          throw malformedOutputError('anthropic', 'the tool input is not a JSON object', usage);
        }
        return { json: call.input, ...usage, finishReason: stopReason };
      }
      const text = message.content
        .filter((block): block is Anthropic.Messages.TextBlock => block.type === 'text')
        .map((block) => block.text)
        .join('');
      const parsed = parseModelJson(text, { lenient: true });
      if (!parsed.ok) throw malformedOutputError('anthropic', parsed.problem, usage);
      return { json: parsed.value, ...usage, finishReason: stopReason };
    },
  };
}
