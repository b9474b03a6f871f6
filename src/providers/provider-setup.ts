import { loadRateLimits, type RateLimitSetting } from '../config/rate-limits.ts';
import { loadCatalog, type Catalog } from './catalog.ts';
import { loadEndpoints, type EndpointDeclaration } from './endpoints.ts';

/** The settings the catalog and the provider clients are built from. */
export interface ProviderSettings {
  QUARRY_MODELS_FILE?: string | undefined;
  QUARRY_ENDPOINTS?: string | undefined;
  QUARRY_ENDPOINTS_FILE?: string | undefined;
  QUARRY_RATE_LIMITS?: string | undefined;
  QUARRY_RATE_LIMITS_FILE?: string | undefined;
}

export interface ProviderSetup {
  catalog: Catalog;
  endpoints: EndpointDeclaration[];
  /** The providers' rate limits of this deployment, checked against the catalog. */
  rateLimits: RateLimitSetting[];
}

/**
 * The catalog every process uses, with the declared OpenAI-compatible endpoints: their models join
 * the catalog, and the worker makes a client for each — and the rate limits configured for them.
 * `env` resolves an endpoint's `api_key_env`.
 */
export function loadProviderSetup(settings: ProviderSettings, env: NodeJS.ProcessEnv = process.env): ProviderSetup {
  const endpoints = loadEndpoints({ ...env, QUARRY_ENDPOINTS: settings.QUARRY_ENDPOINTS, QUARRY_ENDPOINTS_FILE: settings.QUARRY_ENDPOINTS_FILE });
  const catalog = loadCatalog({ extraFile: settings.QUARRY_MODELS_FILE, endpoints });
  return { catalog, endpoints, rateLimits: loadRateLimits(settings, catalog) };
}
