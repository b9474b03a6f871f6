import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { pingDatabase } from '../../db/pool.ts';
import type { ApiDependencies } from '../dependencies.ts';

const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  temporal: z.string(),
  database: z.string(),
});

const route = createRoute({
  method: 'get',
  path: '/health',
  summary: 'Whether Temporal and the database answer',
  responses: {
    200: { description: 'everything answers', content: { 'application/json': { schema: HealthSchema } } },
    503: { description: 'a part is down; it is named', content: { 'application/json': { schema: HealthSchema } } },
  },
});

const CHECK_TIMEOUT_MS = 3000;

async function check(probe: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch (error) {
    // Only the kind of failure, never a connection string or an address with credentials.
    return `error: ${error instanceof Error ? error.message.split('\n')[0]?.slice(0, 200) : 'unreachable'}`;
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: ApiDependencies) {
  return new OpenAPIHono().openapi(route, async (c) => {
    const [temporal, database] = await Promise.all([
      check(() => deps.temporal.workflowService.getSystemInfo({})),
      check(() => pingDatabase(deps.pool)),
    ]);
    const healthy = temporal === 'ok' && database === 'ok';
    return c.json({ status: healthy ? ('ok' as const) : ('degraded' as const), temporal, database }, healthy ? 200 : 503);
  });
}
