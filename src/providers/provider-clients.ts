import { createAnthropicClient } from './anthropic-client.ts';
import type { BuiltInProvider } from './catalog-model.ts';
import type { EndpointDeclaration } from './endpoints.ts';
import { createGeminiClient } from './gemini-client.ts';
import { createOpenAIClient } from './openai-client.ts';
import type { ProviderClient, ProviderName } from './types.ts';

export interface ProviderEndpoint {
  apiKey: string;
  /**
   * Another endpoint of the same wire format. OpenAI's includes `/v1`; Anthropic's and Gemini's are
   * the host root. `simulatorBaseUrls()` gives all three for the provider simulator.
   */
  baseURL?: string | undefined;
}

export type ProviderEndpoints = Record<BuiltInProvider, ProviderEndpoint>;

/**
 * One `ProviderClient` per provider, each over its official SDK: the three built-in providers, and
 * each declared OpenAI-compatible endpoint over the OpenAI SDK under its own name.
 */
export function createProviderClients(
  endpoints: ProviderEndpoints,
  declared: readonly EndpointDeclaration[] = [],
): Record<ProviderName, ProviderClient> {
  return {
    openai: createOpenAIClient(endpoints.openai),
    anthropic: createAnthropicClient(endpoints.anthropic),
    google: createGeminiClient(endpoints.google),
    ...Object.fromEntries(
      declared.map((endpoint) => [
        endpoint.name,
        createOpenAIClient({ apiKey: endpoint.apiKey, baseURL: endpoint.baseURL, provider: endpoint.name, compatible: true }),
      ]),
    ),
  };
}
