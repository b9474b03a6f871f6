import { Client, Connection, type ClientInterceptors } from '@temporalio/client';
import { ConfigurationError, type Settings } from '../config/environment.ts';
import type { RateLimitSetting } from '../config/rate-limits.ts';
import { createPool, type Pool } from '../db/pool.ts';
import type { Catalog } from '../providers/catalog.ts';
import type { EndpointDeclaration } from '../providers/endpoints.ts';
import { loadProviderSetup } from '../providers/provider-setup.ts';

/**
 * For `quarry api`, `worker` and `migrate`, which run against an external PostgreSQL and Temporal
 * as production does: the database must be named; Temporal defaults to a local dev server.
 */
export function requireDatabaseUrl(settings: Settings): string {
  if (!settings.DATABASE_URL) {
    throw new ConfigurationError('DATABASE_URL is not set: this command runs against an external PostgreSQL (`npm start` embeds one)');
  }
  return settings.DATABASE_URL;
}

export const temporalAddressOf = (settings: Settings) => settings.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';

export interface ExternalServices {
  pool: Pool;
  catalog: Catalog;
  /** Declared OpenAI-compatible endpoints, whose models are in the catalog. */
  endpoints: EndpointDeclaration[];
  /** The providers' rate limits (QUARRY_RATE_LIMITS). */
  rateLimits: RateLimitSetting[];
  close(): Promise<void>;
}

export function connectDatabase(settings: Settings): ExternalServices {
  const pool = createPool(requireDatabaseUrl(settings));
  return { pool, ...loadProviderSetup(settings), close: () => pool.end() };
}

/**
 * A Temporal client. `interceptors`: e.g. tracing's, so that the workflows this client starts continue
 * its trace. `lazy` (the API) connects on first use, so the API starts while Temporal is still coming
 * up and reports it in `/health`; otherwise (the one-shot commands) an unreachable Temporal is a
 * clear error at once.
 */
export async function connectTemporal(
  settings: Settings,
  interceptors?: ClientInterceptors,
  options: { lazy?: boolean } = {},
): Promise<{ client: Client; close(): Promise<void> }> {
  const address = temporalAddressOf(settings);
  let connection: Connection;
  if (options.lazy) {
    connection = Connection.lazy({ address });
  } else {
    try {
      connection = await Connection.connect({ address });
    } catch (error) {
      throw new ConfigurationError(`Temporal at ${address} did not answer (${(error as Error).message}): start it, or set TEMPORAL_ADDRESS`);
    }
  }
  return { client: new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE, interceptors }), close: () => connection.close() };
}

/** Runs `stop` once on SIGINT or SIGTERM, then exits. */
export function onShutdownSignal(stop: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      void stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
