import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Catalog } from '../providers/catalog.ts';
import { ProviderNameSchema } from '../providers/catalog-model.ts';
import { ConfigurationError } from './environment.ts';

/**
 * The providers' rate limits of this deployment — they depend on the account's tier, so they are
 * configuration, not code: `QUARRY_RATE_LIMITS` (JSON) and the file `QUARRY_RATE_LIMITS_FILE` names,
 * e.g.
 *
 *   [{"provider": "openai", "model": "gpt-5.4-mini", "rpm": 500, "tpm": 200000},
 *    {"provider": "local-llama", "rpm": 60}]
 *
 * An entry with a `model` (a catalog id) limits that model; one without limits every model of the
 * provider together (a local server, a gateway). A call passes every bucket that covers it. `rpm`
 * counts requests a minute, `tpm` input plus output tokens a minute, as OpenAI counts them. Every
 * worker of a cluster should be given the same limits: they share the buckets' state in PostgreSQL.
 */
const RateLimitEntrySchema = z
  .strictObject({
    provider: ProviderNameSchema,
    model: z.string().min(1).optional(),
    rpm: z.number().positive().optional(),
    tpm: z.number().positive().optional(),
  })
  .refine((entry) => entry.rpm !== undefined || entry.tpm !== undefined, 'give "rpm", "tpm" or both');

const RateLimitsSchema = z.array(RateLimitEntrySchema);

export interface RateLimitSetting {
  /** `<provider>/<model id>`, or `<provider>/*` for the provider as a whole: the bucket's key. */
  bucket: string;
  provider: string;
  /** null: every model of the provider, together. */
  model: string | null;
  rpm: number | null;
  tpm: number | null;
}

export const bucketOf = (provider: string, model: string | null) => `${provider}/${model ?? '*'}`;

export interface RateLimitSources {
  QUARRY_RATE_LIMITS?: string | undefined;
  QUARRY_RATE_LIMITS_FILE?: string | undefined;
}

function readJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigurationError(`${source} is not JSON: ${(error as Error).message}`);
  }
}

function parse(raw: unknown, source: string, catalog: Catalog): RateLimitSetting[] {
  const parsed = RateLimitsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigurationError(`invalid rate limits in ${source}: ${problems.join('; ')}`);
  }
  const models = [...catalog.list(), ...catalog.retired()];
  const providers = new Set(models.map((model) => model.provider));
  return parsed.data.map((entry) => {
    if (!providers.has(entry.provider)) {
      throw new ConfigurationError(`rate limits in ${source} name provider ${entry.provider}, which has no models; providers are: ${[...providers].join(', ')}`);
    }
    if (entry.model !== undefined) {
      const model = models.find((candidate) => candidate.id === entry.model);
      if (!model) throw new ConfigurationError(`rate limits in ${source} name model ${entry.model}, which the catalog does not have`);
      if (model.provider !== entry.provider) {
        throw new ConfigurationError(`rate limits in ${source}: model ${entry.model} belongs to provider ${model.provider}, not ${entry.provider}`);
      }
    }
    const model = entry.model ?? null;
    return { bucket: bucketOf(entry.provider, model), provider: entry.provider, model, rpm: entry.rpm ?? null, tpm: entry.tpm ?? null };
  });
}

/** The rate limits the environment configures, checked against the catalog; a bucket named twice is refused. */
export function loadRateLimits(sources: RateLimitSources, catalog: Catalog): RateLimitSetting[] {
  const limits: RateLimitSetting[] = [];
  const inline = sources.QUARRY_RATE_LIMITS?.trim();
  if (inline) limits.push(...parse(readJson(inline, 'QUARRY_RATE_LIMITS'), 'QUARRY_RATE_LIMITS', catalog));
  const file = sources.QUARRY_RATE_LIMITS_FILE?.trim();
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigurationError(`cannot read QUARRY_RATE_LIMITS_FILE ${file}: ${(error as Error).message}`);
    }
    limits.push(...parse(readJson(text, file), file, catalog));
  }
  const buckets = limits.map((limit) => limit.bucket);
  const repeated = buckets.filter((bucket, index) => buckets.indexOf(bucket) !== index);
  if (repeated.length > 0) throw new ConfigurationError(`rate limits name ${[...new Set(repeated)].join(', ')} more than once`);
  return limits;
}
