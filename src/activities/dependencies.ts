import type { Pool } from '../db/pool.ts';
import type { Catalog } from '../providers/catalog.ts';
import type { ProviderClient, ProviderName } from '../providers/types.ts';

/** What activities are given by the worker: the activity code reads no globals. */
export interface ActivityDependencies {
  pool: Pool;
  catalog: Catalog;
  /** The built-in providers' clients and each declared endpoint's, by provider name. */
  providers: Record<ProviderName, ProviderClient | undefined>;
  /** True when the built-in providers are the simulator; every ledger row and result says so. */
  simulated: boolean;
}
