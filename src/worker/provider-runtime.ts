import type { Settings } from '../config/environment.ts';
import type { Catalog } from '../providers/catalog.ts';
import { createProviderClients, type ProviderEndpoint } from '../providers/provider-clients.ts';
import { simulatorBaseUrls, startSimulator } from '../providers/simulator/server.ts';
import { parseFaults } from '../providers/simulator/faults.ts';
import { ProviderCallError, type ProviderClient, type ProviderName } from '../providers/types.ts';

export interface ProviderRuntime {
  providers: Record<ProviderName, ProviderClient>;
  simulated: boolean;
  /** The in-process simulator's address, when one was started. */
  simulatorUrl?: string;
  close(): Promise<void>;
}

/** The SDK placeholder key sent to the simulator, which checks none. */
const SIMULATOR_KEY = 'simulated-key';

/**
 * The provider clients a worker uses. Live: the official SDKs with the keys from the environment
 * (a provider without a key fails its calls as non-retryable, naming the variable to set).
 * Simulated: the same SDKs pointed at the simulator — in-process unless base URLs name another.
 */
export async function startProviderRuntime(settings: Settings, catalog: Catalog): Promise<ProviderRuntime> {
  if (settings.providers === 'live') {
    const endpoint = (apiKey: string | undefined, baseURL: string | undefined): ProviderEndpoint | undefined =>
      apiKey ? { apiKey, baseURL } : undefined;
    const endpoints = {
      openai: endpoint(settings.OPENAI_API_KEY, settings.OPENAI_BASE_URL),
      anthropic: endpoint(settings.ANTHROPIC_API_KEY, settings.ANTHROPIC_BASE_URL),
      google: endpoint(settings.GEMINI_API_KEY, settings.GEMINI_BASE_URL),
    };
    const placeholder = { apiKey: 'unset' };
    const clients = createProviderClients({
      openai: endpoints.openai ?? placeholder,
      anthropic: endpoints.anthropic ?? placeholder,
      google: endpoints.google ?? placeholder,
    });
    const keyNames: Record<ProviderName, string> = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY', google: 'GEMINI_API_KEY' };
    const providers = Object.fromEntries(
      (Object.keys(clients) as ProviderName[]).map((name) => [name, endpoints[name] ? clients[name] : missingKey(keyNames[name])]),
    ) as Record<ProviderName, ProviderClient>;
    return { providers, simulated: false, close: async () => undefined };
  }

  const external = settings.OPENAI_BASE_URL ?? settings.ANTHROPIC_BASE_URL ?? settings.GEMINI_BASE_URL;
  if (external) {
    const providers = createProviderClients({
      openai: { apiKey: SIMULATOR_KEY, baseURL: settings.OPENAI_BASE_URL },
      anthropic: { apiKey: SIMULATOR_KEY, baseURL: settings.ANTHROPIC_BASE_URL },
      google: { apiKey: SIMULATOR_KEY, baseURL: settings.GEMINI_BASE_URL },
    });
    return { providers, simulated: true, close: async () => undefined };
  }

  const simulator = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    latencyMs: settings.QUARRY_SIM_LATENCY_MS,
    faults: parseFaults(settings.QUARRY_SIM_FAULTS),
    catalog,
  });
  const urls = simulatorBaseUrls(simulator.url);
  const providers = createProviderClients({
    openai: { apiKey: SIMULATOR_KEY, baseURL: urls.openai },
    anthropic: { apiKey: SIMULATOR_KEY, baseURL: urls.anthropic },
    google: { apiKey: SIMULATOR_KEY, baseURL: urls.google },
  });
  return { providers, simulated: true, simulatorUrl: simulator.url, close: () => simulator.close() };
}

function missingKey(variable: string): ProviderClient {
  return {
    complete: async () => {
      throw new ProviderCallError(`${variable} is not set, so this provider's models cannot be called`, {
        kind: 'authentication',
        retryable: false,
        latencyMs: 0,
      });
    },
  };
}
