import type { Catalog } from '../catalog.ts';
import { parseSections, readTextSection } from '../../pipeline/prompt-sections.ts';
import type { CatalogModel, Wire } from '../types.ts';
import { imageTokens } from '../image-tokens.ts';
import { describeFault, type FaultInjector } from './faults.ts';
import type { PromptCache } from './prompt-cache.ts';
import type { SimulatedRateLimits } from './rate-limits.ts';
import type { RequestLog } from './request-log.ts';
import { fingerprint, hashUnit } from './seeded-random.ts';
import { simulateAnswer, UnreadablePromptError } from './simulated-model.ts';
import { seeImages, UnreadableImageError, type SeenImages, type SimulatedImage } from './simulated-vision.ts';

/**
 * One call through the simulator, independent of the wire format: authenticate, find the catalog
 * model, inject a fault or simulate the answer, wait the model's latency, log. Each wire module only
 * translates its request in and this outcome out.
 */

export type { Wire };

/** How much the simulated model thinks at each effort, in output tokens. */
export const SIMULATED_REASONING_TOKENS = { none: 0, minimal: 0, low: 200, medium: 800, high: 2400 } as const;
export type SimulatedEffort = keyof typeof SIMULATED_REASONING_TOKENS;

/** How the request asked the provider's prompt cache to work. */
export type CacheUse = { type: 'implicit'; minTokens: number; step: number } | { type: 'explicit'; prefix: string; minTokens: number } | { type: 'none' };

export interface WireCall {
  wire: Wire;
  providerModel: string;
  system: string;
  prompt: string;
  /** As sent; absent means the provider's default (1). */
  temperature: number | undefined;
  maxOutputTokens: number | undefined;
  /** Whether the request asked for structured output (response_format, a forced tool, responseJsonSchema). */
  structured: boolean;
  authenticated: boolean;
  /** How hard the request asked the model to think. */
  effort: SimulatedEffort;
  cache: CacheUse;
  /** Images in the user message, decoded by the wire. */
  images?: readonly SimulatedImage[];
}

export type CallOutcome =
  | {
      type: 'answer';
      /** The answer as an object (Anthropic's tool input) and as the text a model would emit. */
      answer: Record<string, unknown>;
      text: string;
      /** Every input token, cached ones included. */
      inputTokens: number;
      cachedInputTokens: number;
      cacheWriteTokens: number;
      /** Every output token, reasoning included. */
      outputTokens: number;
      reasoningTokens: number;
      truncated: boolean;
      malformed: boolean;
    }
  | {
      type: 'error';
      status: number;
      message: string;
      retryAfterS?: number | undefined;
      /** The per-minute request limit a 429 names, as the providers name theirs. */
      limitRpm?: number | undefined;
    }
  /** The client gave up (or the simulator is closing) before the answer: nothing is sent. */
  | { type: 'aborted' };

export interface SimulatorState {
  catalog: Catalog;
  promptCache: PromptCache;
  faults: FaultInjector;
  rateLimits: SimulatedRateLimits;
  latencyMs: number;
  log: RequestLog;
  /** Aborted when the simulator closes, releasing hung and sleeping calls. */
  closing: AbortSignal;
}

const STATUS_MESSAGES: Record<number, string> = {
  400: 'invalid request (simulated)',
  401: 'invalid API key (simulated)',
  403: 'permission denied (simulated)',
  404: 'not found (simulated)',
  422: 'unprocessable request (simulated)',
  429: 'rate limit exceeded (simulated)',
  500: 'internal server error (simulated)',
  502: 'bad gateway (simulated)',
  503: 'service unavailable (simulated)',
  529: 'overloaded (simulated)',
};

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** How a model without structured output tends to answer: prose around a fenced JSON block. */
function chattyJson(json: string): string {
  return `Here is the result:\n\n\`\`\`json\n${json}\n\`\`\`\n`;
}

/** The offered catalog model a wire's request names: a built-in provider's first, then a declared endpoint's. */
export function findSimulatedModel(catalog: Catalog, wire: Wire, providerModel: string): CatalogModel | undefined {
  const candidates = catalog.list().filter((model) => model.wire === wire && model.provider_model === providerModel);
  return candidates.find((model) => ['openai', 'anthropic', 'google'].includes(model.provider)) ?? candidates[0];
}

export async function runSimulatedCall(state: SimulatorState, call: WireCall, clientSignal: AbortSignal): Promise<CallOutcome> {
  const signal = AbortSignal.any([clientSignal, state.closing]);
  const model = findSimulatedModel(state.catalog, call.wire, call.providerModel);
  let fault: string | null = null;
  const finish = (outcome: CallOutcome): CallOutcome => {
    state.log.add({
      at: new Date().toISOString(),
      wire: call.wire,
      provider_model: call.providerModel,
      model: model?.id ?? null,
      temperature: call.temperature ?? null,
      task: readTextSection(parseSections(call.prompt), 'task')?.trim() ?? null,
      structured: call.structured,
      effort: call.effort,
      images: call.images?.length ?? 0,
      status: outcome.type === 'answer' ? 200 : outcome.type === 'error' ? outcome.status : 499,
      fault,
    });
    return outcome;
  };

  if (!call.authenticated) return finish({ type: 'error', status: 401, message: 'missing API key' });
  if (!model) {
    return finish({ type: 'error', status: 404, message: `model ${call.providerModel} is not served by this simulator` });
  }

  const admission = state.rateLimits.admit(model.id);
  if (!admission.admitted) {
    fault = 'rate_limit';
    return finish({
      type: 'error',
      status: 429,
      message: `rate limit of ${admission.rpm} requests per minute exceeded (simulated)`,
      retryAfterS: admission.retryAfterMs / 1000,
      limitRpm: admission.rpm,
    });
  }

  const injected = state.faults.next(model.id);
  if (injected) fault = describeFault(injected);
  if (injected?.status !== undefined) {
    return finish({
      type: 'error',
      status: injected.status,
      message: STATUS_MESSAGES[injected.status] ?? `error ${injected.status} (simulated)`,
      retryAfterS: injected.retry_after_s,
    });
  }
  if (injected?.hang) {
    // Never answer: the client's timeout is what must end this call.
    await untilAborted(signal);
    return finish({ type: 'aborted' });
  }

  // A model without vision refuses images, as the providers do; one with it reads them.
  const images = call.images ?? [];
  if (images.length > 0 && !model.image_input) {
    return finish({ type: 'error', status: 400, message: `${call.providerModel} does not take image input (simulated)` });
  }
  let seen: SeenImages | undefined;
  try {
    seen = images.length > 0 ? await seeImages(images) : undefined;
  } catch (error) {
    if (error instanceof UnreadableImageError) return finish({ type: 'error', status: 400, message: error.message });
    throw error;
  }

  let simulation;
  try {
    simulation = simulateAnswer({
      imageText: seen?.text,
      model,
      system: call.system,
      prompt: call.prompt,
      // Unsent, a model that takes a temperature samples at the API's default of 1; one whose API takes
      // none samples as its provider tuned it, which the profile's accuracy already describes.
      temperature: call.temperature ?? (model.temperature ? 1 : 0),
    });
  } catch (error) {
    if (error instanceof UnreadablePromptError) return finish({ type: 'error', status: 400, message: error.message });
    throw error;
  }

  const json = JSON.stringify(simulation.answer);
  const inputTokens = Math.ceil((call.system.length + call.prompt.length) / 4) + (seen?.sizes ?? []).reduce((sum, size) => sum + imageTokens(model, size), 0);
  const reasoningTokens = SIMULATED_REASONING_TOKENS[call.effort];
  let outputTokens = reasoningTokens + Math.ceil(json.length / 4) + model.simulated_profile.output_tokens_per_field * simulation.items;
  let cachedInputTokens = 0;
  let cacheWriteTokens = 0;
  if (call.cache.type === 'implicit') {
    cachedInputTokens = Math.min(inputTokens, state.promptCache.implicit(model.id, `${call.system}\n\n${call.prompt}`, call.cache));
  } else if (call.cache.type === 'explicit') {
    const { read, write } = state.promptCache.explicit(model.id, `${call.system}${call.cache.prefix}`, call.cache.minTokens);
    cachedInputTokens = Math.min(inputTokens, read);
    cacheWriteTokens = Math.min(inputTokens - cachedInputTokens, write);
  }

  const jitter = 0.9 + 0.2 * hashUnit(model.id, fingerprint(call.prompt), 'latency');
  if (!(await sleep(state.latencyMs * model.simulated_profile.latency_factor * jitter, signal))) {
    return finish({ type: 'aborted' });
  }

  // An answer longer than max tokens is cut off, faulted or not: the client must notice either way.
  const truncated = injected?.truncated === true || (call.maxOutputTokens !== undefined && outputTokens > call.maxOutputTokens);
  let text = call.structured ? json : chattyJson(json);
  if (truncated) {
    text = json.slice(0, Math.max(1, Math.floor(json.length / 2)));
    outputTokens = Math.min(outputTokens, call.maxOutputTokens ?? outputTokens);
  }
  const malformed = injected?.malformed === true;
  if (malformed) text = `${json.slice(0, Math.floor(json.length / 3))} ... sorry, let me restate that: {"fields": [}`;

  return finish({
    type: 'answer',
    answer: simulation.answer,
    text,
    inputTokens,
    cachedInputTokens,
    cacheWriteTokens,
    outputTokens,
    reasoningTokens: Math.min(reasoningTokens, outputTokens),
    truncated,
    malformed,
  });
}
