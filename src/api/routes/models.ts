import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDependencies } from '../dependencies.ts';
import { createRouter, json } from '../router.ts';

export function modelRoutes(deps: ApiDependencies) {
  return createRouter().openapi(
    createRoute({
      method: 'get',
      path: '/models',
      summary: 'The model catalog',
      responses: { 200: json(z.array(z.record(z.string(), z.unknown())), 'every model a configuration may name') },
    }),
    (c) =>
      c.json(
        deps.catalog.list().map(({ simulated_profile: _profile, ...model }) => ({ ...model, simulated: deps.simulated })),
        200,
      ),
  );
}
