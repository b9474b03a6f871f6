import type { Client } from '@temporalio/client';
import type { Settings } from '../config/environment.ts';
import type { Pool } from '../db/pool.ts';
import type { Catalog } from '../providers/catalog.ts';

/** What the API's handlers are given; nothing is read from globals. */
export interface ApiDependencies {
  pool: Pool;
  temporal: Client;
  catalog: Catalog;
  settings: Settings;
  /** True when the providers are the simulator: the dashboard and results say so. */
  simulated: boolean;
}
