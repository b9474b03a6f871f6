import { createRoute, z } from '@hono/zod-openapi';
import { modelIdsOf, type ModelConfig } from '../../domain/model-config.ts';
import type { Catalog } from '../../providers/catalog.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { HttpError } from '../errors.ts';
import { createRouter, json } from '../router.ts';

/** Refuses a configuration naming a model the catalog does not have, listing the ones it does. */
export function requireKnownModels(catalog: Catalog, config: ModelConfig): void {
  const unknown = [...new Set(modelIdsOf(config).filter((id) => !catalog.get(id)))];
  if (unknown.length > 0) {
    const valid = catalog.list().map((model) => model.id);
    throw new HttpError(400, 'unknown_model', `unknown model${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}; valid ids: ${valid.join(', ')}`, {
      unknown,
      valid,
    });
  }
}

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
