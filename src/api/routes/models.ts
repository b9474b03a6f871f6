import { createRoute } from '@hono/zod-openapi';
import { CatalogSchema } from '../../contract/catalog.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { createRouter, json } from '../openapi.ts';

export function modelRoutes(deps: ApiDependencies) {
  return createRouter().openapi(
    createRoute({
      method: 'get',
      path: '/models',
      summary: 'The model catalog',
      responses: { 200: json(CatalogSchema, 'every model a configuration may name') },
    }),
    (c) =>
      c.json(
        deps.catalog.list().map(({ simulated_profile: _profile, ...model }) => ({ ...model, simulated: deps.simulated })),
        200,
      ),
  );
}
