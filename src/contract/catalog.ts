import { z } from 'zod';

/**
 * `GET /models`: one catalog model. The fields below are the ones clients rely on; the catalog may
 * carry more (structured-output mode, retirement, ...), which pass through.
 */
export const CatalogEntrySchema = z
  .looseObject({
    id: z.string(), provider: z.string(), provider_model: z.string(), display_name: z.string().optional(),
    input_usd_per_mtok: z.number(), output_usd_per_mtok: z.number(), context_window: z.number(),
    /** True when the providers are the simulator: prices are real, the calls are not. */
    simulated: z.boolean(),
  })
  .meta({ id: 'CatalogModel' });
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;
export const CatalogSchema = z.array(CatalogEntrySchema);
