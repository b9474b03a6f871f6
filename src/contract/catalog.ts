import { z } from 'zod';

/**
 * `GET /models`: one offered model as clients see it — prices, limits, how it is called, and its
 * retirement once announced. The simulator's profile is not part of it.
 */
export const CatalogEntrySchema = z
  .object({
    id: z.string(), provider: z.string(), provider_model: z.string(), display_name: z.string(),
    /** List prices (base tier) in USD per million tokens; null where the model has no such price. */
    input_usd_per_mtok: z.number(), output_usd_per_mtok: z.number(),
    cached_input_usd_per_mtok: z.number().nullable(), cache_write_usd_per_mtok: z.number().nullable(),
    /** Where the prices come from: @pydantic/genai-prices, or the catalog entry itself (an endpoint's own model). */
    price_source: z.enum(['genai-prices', 'catalog']),
    context_window: z.number(), max_input_tokens: z.number(), max_output_tokens: z.number(),
    /** False: the model's API takes no temperature, so calls are made without one. */
    accepts_temperature: z.boolean(),
    /** How its reasoning is controlled; `none` for a model that does not reason. */
    reasoning: z.string(),
    structured_output: z.string(),
    /** Takes images in its input: a configuration's `document_input` of `image` or `both` sends it page images. */
    image_input: z.boolean(),
    call_timeout_s: z.number(),
    /** The provider's announced shutdown day, and the model to move to. */
    retires_on: z.string().nullable(), successor: z.string().nullable(),
    /** True when the model's calls go to the simulator: prices are real, the calls are not. */
    simulated: z.boolean(),
  })
  .meta({ id: 'CatalogModel' });
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;
export const CatalogSchema = z.array(CatalogEntrySchema);

/** `GET /models/retired`: a model its provider retired; a configuration naming one is refused with 422. */
export const RetiredModelSchema = z
  .object({ id: z.string(), provider: z.string(), provider_model: z.string(), retired_on: z.string().nullable(), successor: z.string() })
  .meta({ id: 'RetiredModel' });
export type RetiredModelEntry = z.infer<typeof RetiredModelSchema>;
export const RetiredModelsSchema = z.array(RetiredModelSchema);
