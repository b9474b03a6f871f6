import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { renderMetrics } from './metrics.ts';

/**
 * `GET /metrics` on its own port, for a process without the API (`quarry worker`): Prometheus
 * scrapes each worker for its provider calls and its Temporal runtime.
 */
export async function startMetricsServer(host: string, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const app = new Hono().get('/metrics', async (c) =>
    c.text(await renderMetrics(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }),
  );
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(started));
    started.once('error', reject);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return { url: `http://${host}:${bound}/metrics`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
