import { createRoute } from '@hono/zod-openapi';
import { CatalogSchema, RetiredModelsSchema, type CatalogEntry } from '../../contract/catalog.ts';
import { BUILT_IN_PROVIDERS, type CatalogModel } from '../../providers/catalog-model.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { createRouter, json } from '../openapi.ts';

/** A catalog model as clients see it: prices, limits, how it is called, and its retirement if announced. */
function present(model: CatalogModel, simulated: boolean): CatalogEntry {
  return {
    id: model.id,
    provider: model.provider,
    provider_model: model.provider_model,
    display_name: model.display_name,
    input_usd_per_mtok: model.input_usd_per_mtok,
    output_usd_per_mtok: model.output_usd_per_mtok,
    cached_input_usd_per_mtok: model.cached_input_usd_per_mtok,
    cache_write_usd_per_mtok: model.cache_write_usd_per_mtok,
    price_source: model.price_source,
    context_window: model.context_window,
    max_input_tokens: model.input_limit,
    max_output_tokens: model.max_output_tokens,
    accepts_temperature: model.temperature,
    reasoning: model.reasoning.control,
    structured_output: model.structured_output,
    image_input: model.image_input,
    call_timeout_s: model.call_timeout_s,
    retires_on: model.retires_on ?? null,
    successor: model.successor ?? null,
    simulated,
  };
}

export function modelRoutes(deps: ApiDependencies) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/models',
        summary: 'The model catalog: every model a configuration may name',
        responses: { 200: json(CatalogSchema, 'the offered models, with list prices from @pydantic/genai-prices') },
      }),
      // A declared endpoint's models are called for real even when the built-in providers are simulated.
      (c) => c.json(deps.catalog.list().map((model) => present(model, deps.simulated && (BUILT_IN_PROVIDERS as readonly string[]).includes(model.provider))), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/models/retired',
        summary: 'Models their providers retired, each with its successor',
        responses: { 200: json(RetiredModelsSchema, 'retired models; a configuration naming one is refused with 422') },
      }),
      (c) =>
        c.json(
          deps.catalog.retired().map((model) => ({
            id: model.id,
            provider: model.provider,
            provider_model: model.provider_model,
            retired_on: model.retires_on ?? null,
            successor: model.successor,
          })),
          200,
        ),
    );
}
