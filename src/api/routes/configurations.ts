import { createRoute } from '@hono/zod-openapi';
import { ConfigurationCreatedSchema, NamedConfigurationSchema, SavedConfigurationListSchema, SavedConfigurationSchema, type SavedConfiguration } from '../../contract/configurations.ts';
import { getConfiguration, insertConfiguration, listConfigurations, type ConfigurationRow } from '../../db/configurations.ts';
import { NotFoundError } from '../../runs/errors.ts';
import { requireKnownModels } from '../../runs/resolve-configuration.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { answers, createRouter, IdParams, json, jsonBody } from '../openapi.ts';

const present = (row: ConfigurationRow): SavedConfiguration => ({ id: row.id, name: row.name, ...row.config, created_at: row.created_at.toISOString() });

export function configurationRoutes(deps: ApiDependencies) {
  return createRouter()
    .openapi(
      createRoute({ method: 'post', path: '/configurations', summary: 'Save a named configuration', request: jsonBody(NamedConfigurationSchema), responses: answers(201, ConfigurationCreatedSchema, 'saved') }),
      async (c) => {
        const { name, ...config } = c.req.valid('json');
        requireKnownModels(deps.catalog, config);
        return c.json({ id: await insertConfiguration(deps.pool, name, config) }, 201);
      },
    )
    .openapi(
      createRoute({ method: 'get', path: '/configurations', summary: 'Saved configurations, newest first', responses: { 200: json(SavedConfigurationListSchema, 'saved configurations') } }),
      async (c) => c.json((await listConfigurations(deps.pool)).map(present), 200),
    )
    .openapi(
      createRoute({ method: 'get', path: '/configurations/{id}', summary: 'One configuration', request: { params: IdParams }, responses: answers(200, SavedConfigurationSchema, 'the configuration') }),
      async (c) => {
        const { id } = c.req.valid('param');
        const row = await getConfiguration(deps.pool, id);
        if (!row) throw new NotFoundError(`configuration ${id}`);
        return c.json(present(row), 200);
      },
    );
}
