import {
  calcPrice,
  extractUsage,
  findProvider,
  updatePrices,
  waitForUpdate,
  type ModelPrice,
  type Provider,
  type Usage,
} from '@pydantic/genai-prices';
import type { CatalogEntry, OwnPrices } from './catalog-model.ts';
import type { CallUsage } from './types.ts';

/**
 * Prices through `@pydantic/genai-prices`: list prices for display, the cost of a call's usage as
 * billed (cached input and cache writes at their own rates, long-context tiers by the prompt's
 * size), and the usage read out of a provider's raw response. Quarry keeps no price of its own for
 * the providers' models; a model the library does not know (an endpoint's) is priced from its
 * catalog entry, through the same library, as a provider of its own.
 */

export interface ListPrices {
  input_usd_per_mtok: number;
  output_usd_per_mtok: number;
  cached_input_usd_per_mtok: number | null;
  cache_write_usd_per_mtok: number | null;
  context_window: number | undefined;
  source: 'genai-prices' | 'catalog';
}

/** The library's provider ids for Quarry's built-in providers; any other provider is priced from its entry. */
const LIBRARY_PROVIDERS = new Set(['openai', 'anthropic', 'google']);

type PricedEntry = Pick<CatalogEntry, 'id' | 'provider' | 'provider_model' | 'price_model' | 'prices'>;

/** A one-model provider in the library's own shape, so entry-priced models are computed the same way. */
function ownProvider(entry: PricedEntry, prices: OwnPrices): Provider {
  return {
    id: `quarry-${entry.provider}`,
    name: entry.provider,
    api_pattern: '.*',
    models: [
      {
        id: entry.provider_model,
        match: { equals: entry.provider_model.toLowerCase() },
        prices: {
          input_mtok: prices.input_usd_per_mtok,
          output_mtok: prices.output_usd_per_mtok,
          ...(prices.cached_input_usd_per_mtok === undefined ? {} : { cache_read_mtok: prices.cached_input_usd_per_mtok }),
        },
      },
    ],
  };
}

function toLibraryUsage(usage: CallUsage): Usage {
  return {
    input_tokens: usage.inputTokens,
    cache_read_tokens: usage.cachedInputTokens,
    cache_write_tokens: usage.cacheWriteTokens,
    output_tokens: usage.outputTokens,
  };
}

function options(entry: PricedEntry) {
  if (entry.prices) return { provider: ownProvider(entry, entry.prices) };
  if (LIBRARY_PROVIDERS.has(entry.provider)) return { providerId: entry.provider };
  // A declared endpoint's model without prices costs nothing (a local server, a flat-rate gateway).
  return { provider: ownProvider(entry, { input_usd_per_mtok: 0, output_usd_per_mtok: 0 }) };
}

const baseOf = (value: ModelPrice[string]): number | null => {
  if (value === undefined) return null;
  return typeof value === 'number' ? value : value.base;
};

/** The model's prices at the base tier, or undefined when the library does not know it. */
export function listPrices(entry: PricedEntry, now: Date = new Date()): ListPrices | undefined {
  const result = calcPrice({ input_tokens: 0, output_tokens: 0 }, entry.price_model ?? entry.provider_model, { ...options(entry), timestamp: now });
  if (!result) return undefined;
  const prices = result.model_price;
  return {
    input_usd_per_mtok: baseOf(prices['input_mtok']) ?? 0,
    output_usd_per_mtok: baseOf(prices['output_mtok']) ?? 0,
    cached_input_usd_per_mtok: baseOf(prices['cache_read_mtok']),
    cache_write_usd_per_mtok: baseOf(prices['cache_write_mtok']),
    context_window: result.model.context_window,
    source: entry.prices || !LIBRARY_PROVIDERS.has(entry.provider) ? 'catalog' : 'genai-prices',
  };
}

export class UnpricedModelError extends Error {
  override name = 'UnpricedModelError';
}

/**
 * Per catalog entry, the library's provider narrowed to the entry's model: found once by the
 * library's own matching (a walk over the provider's models and their match rules), so that pricing
 * a call is a lookup among one. The model's prices stay whole, date constraints and tiers included;
 * new price data (refreshPrices) empties it.
 */
let narrowedProviders = new WeakMap<PricedEntry, Provider>();

function narrowedProvider(entry: PricedEntry, at: Date): Provider {
  let provider = narrowedProviders.get(entry);
  if (!provider) {
    const found = calcPrice({ input_tokens: 0, output_tokens: 0 }, entry.price_model ?? entry.provider_model, { ...options(entry), timestamp: at });
    if (!found) throw new UnpricedModelError(`no price for ${entry.id} (${entry.provider}/${entry.provider_model})`);
    const { fallback_model_providers: _, ...own } = found.provider;
    provider = { ...own, models: [found.model] };
    narrowedProviders.set(entry, provider);
  }
  return provider;
}

/**
 * What a call with this usage costs in USD, as the provider bills it: the library's figure for the
 * same usage. Throws for a model the library cannot price (the catalog refuses those at load).
 */
export function callCostUsd(entry: PricedEntry, usage: CallUsage, at: Date = new Date()): number {
  const result = calcPrice(toLibraryUsage(usage), entry.price_model ?? entry.provider_model, { provider: narrowedProvider(entry, at), timestamp: at });
  if (!result) throw new UnpricedModelError(`no price for ${entry.id} (${entry.provider}/${entry.provider_model})`);
  return result.total_price;
}

/** The library's extractor flavour for each wire's response. */
const FLAVOUR = { openai: { provider: 'openai', flavour: 'chat' }, anthropic: { provider: 'anthropic', flavour: 'default' }, gemini: { provider: 'google', flavour: 'default' } } as const;

/**
 * The billed usage in a provider's response (the SDK's parsed body), read with the library's own
 * extractors: OpenAI's `prompt_tokens_details.cached_tokens`, Anthropic's cache reads and writes
 * (which its `input_tokens` leaves out), Gemini's `cachedContentTokenCount` and thinking tokens.
 * A response without usage (some compatible servers) counts as none.
 */
export function usageFromResponse(wire: keyof typeof FLAVOUR, response: unknown): CallUsage {
  const { provider, flavour } = FLAVOUR[wire];
  const library = findProvider({ providerId: provider });
  if (!library) throw new Error(`genai-prices has no provider ${provider}`);
  let usage: Usage;
  try {
    usage = extractUsage(library, response, flavour).usage;
  } catch {
    return { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };
  }
  const count = (key: string) => Math.max(0, Math.round(usage[key] ?? 0));
  return {
    inputTokens: count('input_tokens'),
    cachedInputTokens: count('cache_read_tokens'),
    cacheWriteTokens: count('cache_write_tokens'),
    outputTokens: count('output_tokens'),
    reasoningTokens: count('output_reasoning_tokens'),
  };
}

export interface PriceRefreshOptions {
  /** Where to fetch price data from; the library's own published data by default. */
  url?: string | undefined;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Loads the library's newest price data at run time (where the machine has internet). Until it
 * arrives, and if it fails, the bundled data of the pinned version stays in use. Returns whether
 * new data is in use.
 */
export async function refreshPrices(refresh: PriceRefreshOptions = {}): Promise<boolean> {
  const fetcher = refresh.fetch ?? fetch;
  let loaded = false;
  updatePrices(({ remoteDataUrl, setProviderData }) => {
    const url = refresh.url ?? remoteDataUrl;
    setProviderData(
      fetcher(url, { signal: AbortSignal.timeout(refresh.timeoutMs ?? 10_000) }).then(async (response) => {
        if (!response.ok) throw new Error(`price data from ${url} answered HTTP ${response.status}`);
        const data = (await response.json()) as Provider[];
        loaded = true;
        return data;
      }),
    );
  });
  try {
    await waitForUpdate();
  } catch {
    return false;
  }
  if (loaded) narrowedProviders = new WeakMap();
  return loaded;
}
