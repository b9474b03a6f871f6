import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { anthropicTool } from '../pipeline/structured-output/anthropic-strict.ts';
import { usageFromResponse } from './model-prices.ts';
import { parseModelJson, promptAskingForJson } from './model-json.ts';
import { malformedOutputError, mapStainlessError, refusedError, truncatedError } from './provider-errors.ts';
import { anthropicThinking } from './reasoning.ts';
import type { CompletionRequest, CompletionResult, ProviderClient } from './types.ts';

/** This SDK's error classes, for the mapping every Stainless SDK shares. */
const ERROR_CLASSES = { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError };

export interface AnthropicClientOptions {
  apiKey: string;
  /** The host root, without `/v1` (the SDK adds `/v1/messages`), e.g. the simulator's url. */
  baseURL?: string | undefined;
}

/**
 * The shortest prefix Anthropic caches, per model (below it `cache_control` is ignored): 4096 tokens
 * for Opus 4.5 and later and Haiku 4.5, 1024 for Sonnet 4.x (the prompt-caching page).
 */
function cacheMinimumTokens(providerModel: string): number {
  return /^claude-(opus-4-[5-9]|opus-[5-9]|haiku-4-5)/.test(providerModel) ? 4096 : 1024;
}

const CHARS_PER_TOKEN = 4;

type Params = Anthropic.Messages.MessageCreateParamsNonStreaming;

/**
 * `ProviderClient` over the official Anthropic SDK's Messages API, as the API version the SDK sends
 * (`anthropic-version: 2026-10-21`) accepts it:
 * - no `temperature`, `top_p` or `top_k` — that version refuses them, default values included;
 * - structured output as a forced tool with `strict: true` (the answer arrives as the tool call's
 *   input), or, while the model thinks, as `output_config.format`, because forced tool use and
 *   thinking exclude each other; a schema beyond strict mode's limits goes without `strict`;
 * - thinking adaptive with an effort, or budgeted, as the model allows (`reasoning.ts`);
 * - a `cache_control` breakpoint after the stable head of the prompt (instructions, tool, schema)
 *   when it is long enough to be cached: the items of a batch share it, so one cache write serves
 *   them all at a tenth of the input price.
 */
export function createAnthropicClient(options: AnthropicClientOptions): ProviderClient {
  // maxRetries 0: Temporal owns retries. The explicit per-call timeout also keeps the SDK from
  // refusing large max_tokens values as "requires streaming".
  const sdk = new Anthropic({ apiKey: options.apiKey, baseURL: options.baseURL ?? null, maxRetries: 0 });

  return {
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const params = buildParams(request);

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
      const usage = usageFromResponse('anthropic', message);
      const stopReason = message.stop_reason ?? 'unknown';
      if (stopReason === 'max_tokens' || stopReason === 'model_context_window_exceeded') {
        throw truncatedError('anthropic', usage, latencyMs, request.maxOutputTokens);
      }
      if (stopReason === 'refusal') throw refusedError('anthropic', 'stop_reason refusal', usage, latencyMs);
      const tool = params.tools?.[0];
      if (tool) {
        const call = message.content.find(
          (block): block is Anthropic.Messages.ToolUseBlock => block.type === 'tool_use' && block.name === request.responseName,
        );
        if (!call) throw malformedOutputError('anthropic', `no call of the ${request.responseName} tool`, usage, latencyMs);
        if (typeof call.input !== 'object' || call.input === null || Array.isArray(call.input)) {
          throw malformedOutputError('anthropic', 'the tool input is not a JSON object', usage, latencyMs);
        }
        return { json: call.input, ...usage, finishReason: stopReason, latencyMs };
      }
      const text = message.content
        .filter((block): block is Anthropic.Messages.TextBlock => block.type === 'text')
        .map((block) => block.text)
        .join('');
      const parsed = parseModelJson(text, { lenient: params.output_config?.format === undefined });
      if (!parsed.ok) throw malformedOutputError('anthropic', parsed.problem, usage, latencyMs);
      return { json: parsed.value, ...usage, finishReason: stopReason, latencyMs };
    },

    async listModels({ timeoutMs }) {
      try {
        const ids: string[] = [];
        for await (const model of sdk.models.list({}, { timeout: timeoutMs, maxRetries: 0 })) ids.push(model.id);
        return ids;
      } catch (error) {
        throw mapStainlessError('anthropic', ERROR_CLASSES, error, { timeoutMs }, 0, options.apiKey);
      }
    },
  };
}

/** The Messages API request for one call; exported for the request-shape tests. */
export function buildParams(request: CompletionRequest): Params {
  const model = request.model;
  const thinking = anthropicThinking(model, request.reasoning, request.maxOutputTokens);
  const thinkingOn = thinking !== undefined && thinking.thinking.type !== 'disabled';
  // The answer schema in Anthropic's strict subset; `strict` only within strict mode's complexity limits.
  const tool = anthropicTool(request.responseName, 'Record the answer. Call this tool exactly once with the complete answer.', request.responseSchema);
  const strictSchema = tool.input_schema;
  const strictFits = tool.strict;

  // Forced tool use is refused while thinking; JSON outputs then carry the schema instead, when it
  // fits strict mode. Otherwise the schema travels in the prompt and the answer is read from text.
  const via: 'tool' | 'format' | 'prompt' =
    model.structured_output !== 'strict_tool' ? 'prompt' : !thinkingOn ? 'tool' : strictFits ? 'format' : 'prompt';
  const { system, prompt } = via === 'prompt' ? promptAskingForJson(request) : request;

  const stable = via === 'prompt' ? undefined : request.stablePrefix;
  const head = system.length + (stable?.length ?? 0) + (via === 'tool' ? JSON.stringify(strictSchema).length : 0);
  const cacheHead = stable !== undefined && prompt.startsWith(stable) && head / CHARS_PER_TOKEN >= cacheMinimumTokens(model.provider_model);
  const text: Anthropic.Messages.ContentBlockParam[] | string = cacheHead
    ? [
        { type: 'text', text: stable, cache_control: { type: 'ephemeral' } },
        { type: 'text', text: prompt.slice(stable.length) },
      ]
    : prompt;
  // Page images follow the text as base64 image blocks; the cached head stays first.
  const content = request.images?.length
    ? [
        ...(typeof text === 'string' ? [{ type: 'text' as const, text }] : text),
        ...request.images.map((image) => ({ type: 'image' as const, source: { type: 'base64' as const, media_type: image.mimeType, data: image.data.toString('base64') } })),
      ]
    : text;

  return {
    model: model.provider_model,
    system,
    messages: [{ role: 'user', content }],
    max_tokens: request.maxOutputTokens,
    ...(thinking ? { thinking: thinking.thinking } : {}),
    ...(via === 'tool'
      ? {
          tools: [
            {
              name: tool.name,
              description: tool.description,
              input_schema: strictSchema as Anthropic.Messages.Tool.InputSchema,
              ...(strictFits ? { strict: true } : {}),
            },
          ],
          tool_choice: { type: 'tool' as const, name: request.responseName, disable_parallel_tool_use: true },
        }
      : {}),
    ...(thinking && 'effort' in thinking
      ? { output_config: { effort: thinking.effort, ...(via === 'format' ? { format: { type: 'json_schema' as const, schema: strictSchema } } : {}) } }
      : via === 'format'
        ? { output_config: { format: { type: 'json_schema' as const, schema: strictSchema } } }
        : {}),
  };
}
