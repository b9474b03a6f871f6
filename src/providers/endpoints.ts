import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  BUILT_IN_PROVIDERS,
  CatalogEntrySchema,
  ProviderNameSchema,
  ReasoningControlSchema,
  SimulatedProfileSchema,
  type CatalogEntry,
} from './catalog-model.ts';

/**
 * OpenAI-compatible endpoints declared as providers of their own (Ollama, llama.cpp's
 * llama-server, vLLM, LM Studio, a gateway), beside the official OpenAI endpoint: a name, a base
 * URL, a key and the models it serves. Declared in `QUARRY_ENDPOINTS` (JSON) or in the file
 * `QUARRY_ENDPOINTS_FILE` names, e.g.
 *
 *   [{"name": "local-llama", "base_url": "http://127.0.0.1:8080/v1",
 *     "models": [{"id": "qwen2.5-coder-0.5b", "context_window": 32768}]}]
 *
 * Prices are optional and 0 by default; everything else has a default a local server accepts.
 */
const EndpointModelSchema = z.strictObject({
  /** The catalog id configurations name; unique across the catalog. */
  id: CatalogEntrySchema.shape.id,
  /** What the endpoint calls the model (`model` in the request); the id by default. */
  provider_model: z.string().min(1).optional(),
  display_name: z.string().min(1).optional(),
  context_window: z.number().int().positive(),
  max_input_tokens: z.number().int().positive().optional(),
  max_output_tokens: z.number().int().positive().default(4096),
  temperature: z.boolean().default(true),
  reasoning: ReasoningControlSchema.default({ control: 'none' }),
  /** llama-server, vLLM, Ollama and LM Studio all take `response_format` json_schema. */
  structured_output: z.enum(['json_schema', 'json_object', 'prompt']).default('json_schema'),
  /** A vision model (e.g. a llava or Qwen-VL served by vLLM): it takes page images as OpenAI image_url parts. */
  image_input: z.boolean().default(false),
  input_usd_per_mtok: z.number().nonnegative().default(0),
  output_usd_per_mtok: z.number().nonnegative().default(0),
  cached_input_usd_per_mtok: z.number().nonnegative().optional(),
  typical_output_tokens_per_field: z.number().int().positive().default(16),
  call_timeout_s: z.number().int().positive().max(3600).default(120),
  retires_on: z.iso.date().optional(),
  successor: z.string().min(1).optional(),
  simulated_profile: SimulatedProfileSchema.optional(),
});

const EndpointSchema = z
  .strictObject({
    name: ProviderNameSchema.refine((name) => !(BUILT_IN_PROVIDERS as readonly string[]).includes(name), 'a built-in provider name; choose another'),
    /** Includes the API version path, as the OpenAI SDK expects (`http://127.0.0.1:11434/v1`). */
    base_url: z.url({ protocol: /^https?$/ }),
    /** The key itself, or the name of the environment variable that holds it (keeps it out of files). */
    api_key: z.string().min(1).optional(),
    api_key_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional(),
    models: z.array(EndpointModelSchema).min(1),
  })
  .refine((endpoint) => !(endpoint.api_key && endpoint.api_key_env), 'give api_key or api_key_env, not both');

const EndpointsSchema = z.union([z.array(EndpointSchema), z.strictObject({ endpoints: z.array(EndpointSchema) }).transform((file) => file.endpoints)]);

export interface EndpointDeclaration {
  name: string;
  baseURL: string;
  /** Local servers check no key; the SDK still needs one to send. */
  apiKey: string;
  models: CatalogEntry[];
}

export class EndpointsConfigError extends Error {
  override name = 'EndpointsConfigError';
}

/** The placeholder sent to an endpoint declared without a key (llama-server and Ollama ignore it). */
export const NO_KEY = 'no-key';

function parse(raw: unknown, source: string, env: NodeJS.ProcessEnv): EndpointDeclaration[] {
  const parsed = EndpointsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new EndpointsConfigError(`invalid endpoints in ${source}: ${problems.join('; ')}`);
  }
  return parsed.data.map((endpoint) => {
    let apiKey = endpoint.api_key ?? NO_KEY;
    if (endpoint.api_key_env) {
      const value = env[endpoint.api_key_env];
      if (!value) throw new EndpointsConfigError(`endpoint ${endpoint.name}: ${endpoint.api_key_env} is not set`);
      apiKey = value;
    }
    return {
      name: endpoint.name,
      baseURL: endpoint.base_url.replace(/\/+$/, ''),
      apiKey,
      models: endpoint.models.map(({ input_usd_per_mtok, output_usd_per_mtok, cached_input_usd_per_mtok, ...model }) => ({
        ...model,
        provider: endpoint.name,
        provider_model: model.provider_model ?? model.id,
        display_name: model.display_name ?? `${model.id} (${endpoint.name})`,
        prices: {
          input_usd_per_mtok,
          output_usd_per_mtok,
          ...(cached_input_usd_per_mtok === undefined ? {} : { cached_input_usd_per_mtok }),
        },
      })),
    };
  });
}

/**
 * The endpoints declared in the environment: `QUARRY_ENDPOINTS` (a JSON array, or `{"endpoints": [...]}`)
 * and the file `QUARRY_ENDPOINTS_FILE` names, together. Names must be unique.
 */
export function loadEndpoints(env: NodeJS.ProcessEnv = process.env): EndpointDeclaration[] {
  const declared: EndpointDeclaration[] = [];
  const inline = env['QUARRY_ENDPOINTS']?.trim();
  if (inline) {
    let raw: unknown;
    try {
      raw = JSON.parse(inline);
    } catch (error) {
      throw new EndpointsConfigError(`QUARRY_ENDPOINTS is not JSON: ${(error as Error).message}`);
    }
    declared.push(...parse(raw, 'QUARRY_ENDPOINTS', env));
  }
  const file = env['QUARRY_ENDPOINTS_FILE']?.trim();
  if (file) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new EndpointsConfigError(`cannot read QUARRY_ENDPOINTS_FILE ${file}: ${(error as Error).message}`);
    }
    declared.push(...parse(raw, file, env));
  }
  const names = declared.map((endpoint) => endpoint.name);
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length > 0) throw new EndpointsConfigError(`endpoint names are repeated: ${[...new Set(repeated)].join(', ')}`);
  return declared;
}
