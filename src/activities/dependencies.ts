import type { Pool } from '../db/pool.ts';
import type { Catalog } from '../providers/catalog.ts';
import type { ProviderClient, ProviderName } from '../providers/types.ts';
import type { RateLimiter } from './rate-limiter.ts';

/** What activities are given by the worker: the activity code reads no globals. */
export interface ActivityDependencies {
  pool: Pool;
  catalog: Catalog;
  /** The built-in providers' clients and each declared endpoint's, by provider name. */
  providers: Record<ProviderName, ProviderClient | undefined>;
  /** True when the built-in providers are the simulator; every ledger row and result says so. */
  simulated: boolean;
  /** The providers' rate limits; without one, calls start as soon as they are ready. */
  rateLimiter?: RateLimiter | undefined;
}
