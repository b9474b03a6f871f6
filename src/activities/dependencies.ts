import type { Pool } from '../db/pool.ts';
import type { OcrOptions } from '../documents/ocr/ocr-engine.ts';
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
  /** How documents are read: where uploads are kept, and OCR's languages and threads. */
  reading: ReadingSettings;
}

export interface ReadingSettings {
  /** QUARRY_DOCUMENTS_DIR: uploads kept there instead of PostgreSQL. */
  documentsDir: string | undefined;
  ocr: OcrOptions;
  /** Documents one worker reads at once: the documents task queue's activity slots. */
  concurrency: number;
}
