import { z } from 'zod';

/** One bucket of the providers' rate limits as it stands: its limits, the calls waiting on it, and its last minute. */
export const ProviderRateLimitSchema = z
  .object({
    /** `<provider>/<model id>`, or `<provider>/*` for every model of the provider together. */
    bucket: z.string(),
    provider: z.string(),
    /** null: the provider as a whole. */
    model: z.string().nullable(),
    /** The configured limits (QUARRY_RATE_LIMITS); null: none. */
    rpm: z.number().nullable(),
    tpm: z.number().nullable(),
    /** The limits in force: below the configured ones for a while after a 429 taught lower ones. */
    effective_rpm: z.number().nullable(),
    effective_tpm: z.number().nullable(),
    /** When a 429 last taught this bucket a lower rate, while that still holds. */
    learned_at: z.string().nullable(),
    /** Until when a 429's reset holds every call back. */
    paused_until: z.string().nullable(),
    /** Calls waiting for their start. */
    waiting: z.number().int(),
    /** Provider calls in the last minute (the rate), their tokens, and how many the provider refused with 429. */
    calls_last_minute: z.number().int(),
    tokens_last_minute: z.number().int(),
    rate_limited_last_minute: z.number().int(),
  })
  .meta({ id: 'ProviderRateLimit' });
export type ProviderRateLimit = z.infer<typeof ProviderRateLimitSchema>;

/** `GET /rate-limits`: every configured bucket, every bucket with calls waiting or a lesson still in force, and every model called in the last minute. */
export const ProviderRateLimitsSchema = z.object({ as_of: z.string(), limits: z.array(ProviderRateLimitSchema) }).meta({ id: 'ProviderRateLimits' });
export type ProviderRateLimits = z.infer<typeof ProviderRateLimitsSchema>;
