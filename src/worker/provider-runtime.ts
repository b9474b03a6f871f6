import type { Settings } from '../config/environment.ts';
import { logger } from '../logger.ts';
import type { Catalog } from '../providers/catalog.ts';
import type { EndpointDeclaration } from '../providers/endpoints.ts';
import { refreshPrices } from '../providers/model-prices.ts';
import { createProviderClients, type ProviderEndpoint } from '../providers/provider-clients.ts';
import { simulatorBaseUrls, startSimulator } from '../providers/simulator/server.ts';
import { parseFaults } from '../providers/simulator/faults.ts';
import { BUILT_IN_PROVIDERS, ProviderCallError, type BuiltInProvider, type ProviderClient, type ProviderName } from '../providers/types.ts';

export interface ProviderRuntime {
  providers: Record<ProviderName, ProviderClient>;
  /** True when the built-in providers are simulated (declared endpoints are always called for real). */
  simulated: boolean;
  /** The in-process simulator's address, when one was started. */
  simulatorUrl?: string;
  close(): Promise<void>;
}

/** The SDK placeholder key sent to the simulator, which checks none. */
const SIMULATOR_KEY = 'simulated-key';

export const KEY_VARIABLES: Record<BuiltInProvider, 'OPENAI_API_KEY' | 'ANTHROPIC_API_KEY' | 'GEMINI_API_KEY'> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  google: 'GEMINI_API_KEY',
};

const BASE_URL_VARIABLES = { openai: 'OPENAI_BASE_URL', anthropic: 'ANTHROPIC_BASE_URL', google: 'GEMINI_BASE_URL' } as const;

/** The live endpoint of each built-in provider, or undefined where its key is not set. */
export function liveEndpoints(settings: Settings): Record<BuiltInProvider, ProviderEndpoint | undefined> {
  return Object.fromEntries(
    BUILT_IN_PROVIDERS.map((provider) => {
      const apiKey = settings[KEY_VARIABLES[provider]];
      return [provider, apiKey ? { apiKey, baseURL: settings[BASE_URL_VARIABLES[provider]] } : undefined];
    }),
  ) as Record<BuiltInProvider, ProviderEndpoint | undefined>;
}

/**
 * The provider clients a worker uses. Live: the official SDKs with the keys from the environment
 * (a provider without a key fails its calls as non-retryable, naming the variable to set).
 * Simulated: the same SDKs pointed at the simulator — in-process unless base URLs name another.
 * Declared OpenAI-compatible endpoints are called at their own URLs either way.
 */
export async function startProviderRuntime(settings: Settings, catalog: Catalog, endpoints: readonly EndpointDeclaration[] = []): Promise<ProviderRuntime> {
  if (settings.QUARRY_PRICES_REFRESH !== 'off') {
    const url = settings.QUARRY_PRICES_REFRESH === 'on' ? undefined : settings.QUARRY_PRICES_REFRESH;
    const refreshed = await refreshPrices({ url });
    if (refreshed) logger.info('price data refreshed at start');
    else logger.warn('price data could not be refreshed; using the data bundled with @pydantic/genai-prices');
  }

  if (settings.providers === 'live') {
    const live = liveEndpoints(settings);
    const placeholder = { apiKey: 'unset' };
    const clients = createProviderClients(
      { openai: live.openai ?? placeholder, anthropic: live.anthropic ?? placeholder, google: live.google ?? placeholder },
      endpoints,
    );
    for (const provider of BUILT_IN_PROVIDERS) if (!live[provider]) clients[provider] = missingKey(KEY_VARIABLES[provider]);
    return { providers: clients, simulated: false, close: async () => undefined };
  }

  const external = settings.OPENAI_BASE_URL ?? settings.ANTHROPIC_BASE_URL ?? settings.GEMINI_BASE_URL;
  if (external) {
    const providers = createProviderClients(
      {
        openai: { apiKey: SIMULATOR_KEY, baseURL: settings.OPENAI_BASE_URL },
        anthropic: { apiKey: SIMULATOR_KEY, baseURL: settings.ANTHROPIC_BASE_URL },
        google: { apiKey: SIMULATOR_KEY, baseURL: settings.GEMINI_BASE_URL },
      },
      endpoints,
    );
    return { providers, simulated: true, close: async () => undefined };
  }

  const simulator = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    latencyMs: settings.QUARRY_SIM_LATENCY_MS,
    faults: parseFaults(settings.QUARRY_SIM_FAULTS),
    rateLimits: settings.QUARRY_SIM_RATE_LIMITS,
    catalog,
  });
  const urls = simulatorBaseUrls(simulator.url);
  const providers = createProviderClients(
    {
      openai: { apiKey: SIMULATOR_KEY, baseURL: urls.openai },
      anthropic: { apiKey: SIMULATOR_KEY, baseURL: urls.anthropic },
      google: { apiKey: SIMULATOR_KEY, baseURL: urls.google },
    },
    endpoints,
  );
  return { providers, simulated: true, simulatorUrl: simulator.url, close: () => simulator.close() };
}

function missingKey(variable: string): ProviderClient {
  const fail = async (): Promise<never> => {
    throw new ProviderCallError(`${variable} is not set, so this provider's models cannot be called`, {
      kind: 'authentication',
      retryable: false,
      latencyMs: 0,
    });
  };
  return { complete: fail, listModels: fail };
}
