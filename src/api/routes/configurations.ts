import { createRoute, z } from '@hono/zod-openapi';
import { getConfiguration, insertConfiguration, listConfigurations } from '../../db/configurations.ts';
import { ModelConfigSchema } from '../../contract/model-config.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { notFound } from '../errors.ts';
import { createRouter, ErrorResponses, IdParams, json, jsonBody } from '../router.ts';
import { requireKnownModels } from '../../runs/resolve-configuration.ts';

const NamedConfigurationSchema = ModelConfigSchema.extend({ name: z.string().trim().min(1).max(200) }).openapi('Configuration');

const present = (row: { id: string; name: string | null; config: unknown; created_at: Date }) => ({
  id: row.id,
  name: row.name,
  ...(row.config as object),
  created_at: row.created_at.toISOString(),
});

export function configurationRoutes(deps: ApiDependencies) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: '/configurations',
        summary: 'Save a named configuration',
        request: jsonBody(NamedConfigurationSchema),
        responses: { 201: json(z.object({ id: z.uuid() }), 'saved'), ...ErrorResponses },
      }),
      async (c) => {
        const { name, ...config } = c.req.valid('json');
        requireKnownModels(deps.catalog, config);
        return c.json({ id: await insertConfiguration(deps.pool, name, config) }, 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/configurations',
        summary: 'Saved configurations, newest first',
        responses: { 200: json(z.array(z.record(z.string(), z.unknown())), 'saved configurations') },
      }),
      async (c) => c.json((await listConfigurations(deps.pool)).map(present), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/configurations/{id}',
        summary: 'One configuration',
        request: { params: IdParams },
        responses: { 200: json(z.record(z.string(), z.unknown()), 'the configuration'), ...ErrorResponses },
      }),
      async (c) => {
        const row = await getConfiguration(deps.pool, c.req.valid('param').id);
        if (!row) throw notFound(`configuration ${c.req.valid('param').id}`);
        return c.json(present(row), 200);
      },
    );
}
