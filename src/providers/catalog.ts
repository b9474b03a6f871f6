import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  BUILT_IN_PROVIDERS,
  CatalogEntrySchema,
  DEFAULT_SIMULATED_PROFILE,
  MODES_OF_WIRE,
  RetiredEntrySchema,
  WIRE_OF_BUILT_IN,
  type BuiltInProvider,
  type CatalogEntry,
  type CatalogModel,
  type RetiredEntry,
  type RetiredModel,
  type Wire,
} from './catalog-model.ts';
import type { EndpointDeclaration } from './endpoints.ts';
import { callCostUsd, listPrices } from './model-prices.ts';
import type { CallUsage, ProviderName } from './types.ts';

/**
 * The model catalog: Quarry's own file (`models.json`), the operator's extra models
 * (`QUARRY_MODELS_FILE`) and the models of declared OpenAI-compatible endpoints, with prices and
 * windows from the price library. Only offered models can be called; a retired one answers with its
 * successor, so a request or a saved configuration that still names it gets a clear refusal.
 */
export interface Catalog {
  /** The offered models. */
  list(): readonly CatalogModel[];
  /** The retired models, each with its successor. */
  retired(): readonly RetiredModel[];
  get(id: string): CatalogModel | undefined;
  /** Like `get`, but a retired id is a `RetiredModelError` naming its successor, an unknown one an `UnknownModelError`. */
  require(id: string): CatalogModel;
  findRetired(id: string): RetiredModel | undefined;
  findByProviderModel(provider: ProviderName, providerModel: string): CatalogModel | undefined;
  /** Offered models whose announced retirement falls within `days` from now. */
  retiringWithin(days: number): readonly CatalogModel[];
  /** Every provider that has an offered model. */
  providers(): readonly ProviderName[];
  /** The wire a provider speaks. */
  wireOf(provider: ProviderName): Wire | undefined;
  /** Cost in USD of one call's usage as billed (the price library's figure). */
  costUsd(model: CatalogModel | string, usage: Partial<CallUsage>): number;
}

export class UnknownModelError extends Error {
  override name = 'UnknownModelError';
  constructor(
    readonly modelId: string,
    readonly validIds: readonly string[],
  ) {
    super(`unknown model "${modelId}"; valid models are: ${validIds.join(', ')}`);
  }
}

export class RetiredModelError extends Error {
  override name = 'RetiredModelError';
  constructor(
    readonly modelId: string,
    readonly retiredOn: string | undefined,
    readonly successor: string,
  ) {
    super(`model "${modelId}" was retired${retiredOn ? ` on ${retiredOn}` : ''} by its provider; use "${successor}" instead`);
  }
}

export class CatalogFileError extends Error {
  override name = 'CatalogFileError';
}

const ModelsObjectSchema = z.strictObject({
  $comment: z.union([z.string(), z.array(z.string())]).optional(),
  models: z.array(CatalogEntrySchema),
  retired: z.array(RetiredEntrySchema).default([]),
});
// A file is `{ "models": [...], "retired": [...] }` (the shape of models.json) or a bare array of models.
const ModelsFileSchema = z.union([ModelsObjectSchema, z.array(CatalogEntrySchema).transform((models) => ({ models, retired: [] as RetiredEntry[] }))]);

const BUILT_IN_MODELS_URL = new URL('./models.json', import.meta.url);

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

function readModelsFile(location: string | URL): { models: CatalogEntry[]; retired: RetiredEntry[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(location, 'utf8'));
  } catch (error) {
    throw new CatalogFileError(`cannot read models file ${String(location)}: ${(error as Error).message}`, { cause: error });
  }
  // Parsed against the shape it has, so the problems named are that shape's.
  const parsed = Array.isArray(raw) ? ModelsFileSchema.safeParse(raw) : ModelsObjectSchema.safeParse(raw);
  if (!parsed.success) throw new CatalogFileError(`invalid models file ${String(location)}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export interface CatalogOptions {
  /** `QUARRY_MODELS_FILE`: more models for the built-in providers or declared endpoints. */
  extraFile?: string | undefined;
  /** Declared OpenAI-compatible endpoints, whose models join the catalog under their names. */
  endpoints?: readonly EndpointDeclaration[] | undefined;
  /** The clock retirements are judged by (tests move it). */
  now?: () => Date;
}

/** Loads the built-in catalog and merges the operator's models and endpoints into it. */
export function loadCatalog(options: CatalogOptions = {}): Catalog {
  const builtIn = readModelsFile(BUILT_IN_MODELS_URL);
  const extra = options.extraFile ? readModelsFile(options.extraFile) : { models: [], retired: [] };
  const endpointModels = (options.endpoints ?? []).flatMap((endpoint) => endpoint.models);
  const wires = new Map<ProviderName, Wire>(BUILT_IN_PROVIDERS.map((provider) => [provider, WIRE_OF_BUILT_IN[provider]]));
  for (const endpoint of options.endpoints ?? []) {
    if (wires.has(endpoint.name)) throw new CatalogFileError(`endpoint name "${endpoint.name}" is taken; give the endpoint another name`);
    wires.set(endpoint.name, 'openai');
  }
  return createCatalog({
    models: [...builtIn.models, ...extra.models, ...endpointModels],
    retired: [...builtIn.retired, ...extra.retired],
    wires,
    now: options.now,
  });
}

/**
 * A catalog over explicit entries (tests, or a caller that already parsed them). Refuses what would
 * make a call or a cost figure quietly wrong: a repeated id, a provider nobody declared, a mode or
 * reasoning control the provider's wire cannot carry, a model the price library cannot price, a
 * successor that does not exist.
 */
export function createCatalog(input: {
  models: readonly CatalogEntry[];
  retired?: readonly RetiredEntry[];
  wires?: ReadonlyMap<ProviderName, Wire>;
  now?: (() => Date) | undefined;
}): Catalog {
  const now = input.now ?? (() => new Date());
  const wires = input.wires ?? new Map<ProviderName, Wire>(BUILT_IN_PROVIDERS.map((provider) => [provider, WIRE_OF_BUILT_IN[provider]]));
  const ids = [...input.models.map((model) => model.id), ...(input.retired ?? []).map((model) => model.id)];
  const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
  if (repeated.length > 0) throw new CatalogFileError(`model ids are repeated: ${[...new Set(repeated)].join(', ')}; give each model its own id`);

  const resolved = input.models.map((entry) => resolveEntry(entry, wires, now()));
  const retiredEntries = (input.retired ?? []).map((entry) => {
    const wire = wires.get(entry.provider);
    if (!wire) throw new CatalogFileError(`retired model ${entry.id}: unknown provider "${entry.provider}"`);
    return { ...entry, wire };
  });
  const all = new Map<string, CatalogModel | RetiredModel>([...resolved, ...retiredEntries].map((model) => [model.id, model]));
  for (const model of [...resolved, ...retiredEntries]) {
    if (model.successor !== undefined && !all.has(model.successor)) {
      throw new CatalogFileError(`model ${model.id} names successor "${model.successor}", which the catalog does not have`);
    }
  }

  const today = () => now().toISOString().slice(0, 10);
  const isRetired = (model: CatalogModel) => model.retires_on !== undefined && model.retires_on <= today();
  const offered = () => resolved.filter((model) => !isRetired(model));
  const retired = (): RetiredModel[] => [
    ...resolved.filter(isRetired).map(
      (model): RetiredModel => ({
        id: model.id,
        provider: model.provider,
        provider_model: model.provider_model,
        display_name: model.display_name,
        retires_on: model.retires_on!,
        // Checked above: a model with a retirement date names an existing successor.
        successor: model.successor!,
        wire: model.wire,
      }),
    ),
    ...retiredEntries,
  ];
  /** The successor to point at: follow retired successors until an offered model. */
  const currentSuccessor = (id: string): string => {
    const seen = new Set<string>();
    let next = id;
    for (;;) {
      const found = all.get(next);
      if (!found || seen.has(next)) return next;
      seen.add(next);
      const gone = 'context_window' in found ? isRetired(found) : true;
      if (!gone || found.successor === undefined) return next;
      next = found.successor;
    }
  };

  const get = (id: string) => offered().find((model) => model.id === id);
  const findRetired = (id: string) => {
    const model = retired().find((candidate) => candidate.id === id);
    return model ? { ...model, successor: currentSuccessor(model.successor) } : undefined;
  };
  const require = (id: string): CatalogModel => {
    const model = get(id);
    if (model) return model;
    const gone = findRetired(id);
    if (gone) throw new RetiredModelError(id, gone.retires_on, gone.successor);
    throw new UnknownModelError(id, offered().map((candidate) => candidate.id));
  };

  return {
    list: offered,
    retired: () => retired().map((model) => ({ ...model, successor: currentSuccessor(model.successor) })),
    get,
    require,
    findRetired,
    findByProviderModel: (provider, providerModel) =>
      offered().find((model) => model.provider === provider && model.provider_model === providerModel),
    retiringWithin(days) {
      const horizon = new Date(now().getTime() + days * 86_400_000).toISOString().slice(0, 10);
      return offered().filter((model) => model.retires_on !== undefined && model.retires_on <= horizon);
    },
    providers: () => [...new Set(offered().map((model) => model.provider))],
    wireOf: (provider) => wires.get(provider),
    costUsd(model, usage) {
      const priced = typeof model === 'string' ? require(model) : model;
      return callCostUsd(priced, {
        inputTokens: usage.inputTokens ?? 0,
        cachedInputTokens: usage.cachedInputTokens ?? 0,
        cacheWriteTokens: usage.cacheWriteTokens ?? 0,
        outputTokens: usage.outputTokens ?? 0,
        reasoningTokens: usage.reasoningTokens ?? 0,
      });
    },
  };
}

function resolveEntry(entry: CatalogEntry, wires: ReadonlyMap<ProviderName, Wire>, now: Date): CatalogModel {
  const wire = wires.get(entry.provider);
  const where = `model ${entry.id}`;
  if (!wire) {
    throw new CatalogFileError(`${where}: unknown provider "${entry.provider}" (built-in: ${BUILT_IN_PROVIDERS.join(', ')}; or declare an endpoint of that name)`);
  }
  if (!MODES_OF_WIRE[wire].includes(entry.structured_output)) {
    throw new CatalogFileError(`${where}: structured_output "${entry.structured_output}" is not one the ${wire} wire carries (${MODES_OF_WIRE[wire].join(', ')})`);
  }
  const control = entry.reasoning.control;
  const controlWire: Wire | undefined =
    control === 'openai_effort' ? 'openai' : control.startsWith('anthropic') ? 'anthropic' : control === 'gemini_level' ? 'gemini' : undefined;
  if (controlWire && controlWire !== wire) throw new CatalogFileError(`${where}: reasoning control "${control}" belongs to the ${controlWire} wire, not ${wire}`);
  if (entry.retires_on !== undefined && entry.successor === undefined) throw new CatalogFileError(`${where}: a retirement date needs a successor`);
  const prices = listPrices(entry, now);
  if (!prices) {
    throw new CatalogFileError(
      `${where}: @pydantic/genai-prices has no price for ${entry.provider}/${entry.price_model ?? entry.provider_model}; set price_model to the id it knows, or give "prices"`,
    );
  }
  const contextWindow = entry.context_window ?? prices.context_window;
  if (!contextWindow) throw new CatalogFileError(`${where}: give context_window (the price library does not know it)`);
  if (entry.max_output_tokens >= contextWindow) throw new CatalogFileError(`${where}: max_output_tokens must be below the context window`);
  const { context_window: _window, simulated_profile: profile, ...rest } = entry;
  return {
    ...rest,
    wire,
    context_window: contextWindow,
    input_limit: Math.min(entry.max_input_tokens ?? contextWindow, contextWindow),
    input_usd_per_mtok: prices.input_usd_per_mtok,
    output_usd_per_mtok: prices.output_usd_per_mtok,
    cached_input_usd_per_mtok: prices.cached_input_usd_per_mtok,
    cache_write_usd_per_mtok: prices.cache_write_usd_per_mtok,
    price_source: prices.source,
    simulated_profile: profile ?? DEFAULT_SIMULATED_PROFILE,
  };
}

export type { BuiltInProvider, CatalogModel, RetiredModel };
