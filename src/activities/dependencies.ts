import type { Pool } from '../db/pool.ts';
import type { Catalog } from '../providers/catalog.ts';
import type { ProviderClient, ProviderName } from '../providers/types.ts';

/** What activities are given by the worker: the activity code reads no globals. */
export interface ActivityDependencies {
  pool: Pool;
  catalog: Catalog;
  providers: Record<ProviderName, ProviderClient>;
  /** True when the providers are the simulator; every ledger row and result says so. */
  simulated: boolean;
}
