import { serve, type ServerType } from '@hono/node-server';
import { ConfigurationError, isLoopbackHost, type Settings } from '../config/environment.ts';
import { createApp } from './app.ts';
import type { ApiDependencies } from './dependencies.ts';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the API. Without `QUARRY_API_TOKEN` it binds only a loopback address: an open API on a
 * network interface would let anyone spend the provider keys.
 */
export async function startApi(deps: ApiDependencies, settings: Pick<Settings, 'HOST' | 'PORT' | 'QUARRY_API_TOKEN'>): Promise<RunningApi> {
  if (!settings.QUARRY_API_TOKEN && !isLoopbackHost(settings.HOST)) {
    throw new ConfigurationError(`HOST=${settings.HOST} is not a loopback address: set QUARRY_API_TOKEN to serve the API on it`);
  }
  const app = createApp(deps);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: settings.PORT, hostname: settings.HOST }, () => resolve(started));
    started.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigurationError(`${settings.HOST}:${settings.PORT} is already in use: stop what listens there or set PORT`)
          : error,
      ),
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.PORT;
  const host = settings.HOST.includes(':') ? `[${settings.HOST}]` : settings.HOST;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Server-sent event streams never end on their own; close idle and open connections.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
