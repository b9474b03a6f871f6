import { loadCatalog, type Catalog } from './catalog.ts';
import { loadEndpoints, type EndpointDeclaration } from './endpoints.ts';

/** The settings the catalog and the provider clients are built from. */
export interface ProviderSettings {
  QUARRY_MODELS_FILE?: string | undefined;
  QUARRY_ENDPOINTS?: string | undefined;
  QUARRY_ENDPOINTS_FILE?: string | undefined;
}

/**
 * The catalog every process uses, with the declared OpenAI-compatible endpoints: their models join
 * the catalog, and the worker makes a client for each. `env` resolves an endpoint's `api_key_env`.
 */
export function loadProviderSetup(settings: ProviderSettings, env: NodeJS.ProcessEnv = process.env): { catalog: Catalog; endpoints: EndpointDeclaration[] } {
  const endpoints = loadEndpoints({ ...env, QUARRY_ENDPOINTS: settings.QUARRY_ENDPOINTS, QUARRY_ENDPOINTS_FILE: settings.QUARRY_ENDPOINTS_FILE });
  return { catalog: loadCatalog({ extraFile: settings.QUARRY_MODELS_FILE, endpoints }), endpoints };
}
