import { createAnthropicClient } from './anthropic-client.ts';
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

export type ProviderEndpoints = Record<ProviderName, ProviderEndpoint>;

/** One `ProviderClient` per provider, each over its official SDK. */
export function createProviderClients(endpoints: ProviderEndpoints): Record<ProviderName, ProviderClient> {
  return {
    openai: createOpenAIClient(endpoints.openai),
    anthropic: createAnthropicClient(endpoints.anthropic),
    google: createGeminiClient(endpoints.google),
  };
}
