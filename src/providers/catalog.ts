import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CatalogModelSchema, type CatalogModel, type ProviderName } from './types.ts';

/**
 * The model catalog: the built-in models of `models.json` plus, optionally, the operator's own
 * (`QUARRY_MODELS_FILE`, e.g. a model served by an OpenAI-compatible local server). Prices are list
 * prices, so cost is computed here once and not re-derived by every caller.
 */
export interface Catalog {
  list(): readonly CatalogModel[];
  get(id: string): CatalogModel | undefined;
  /** Like `get`, but an unknown id is an `UnknownModelError` listing the valid ids. */
  require(id: string): CatalogModel;
  findByProviderModel(provider: ProviderName, providerModel: string): CatalogModel | undefined;
  /** Cost in USD of one call at the model's list prices. */
  costUsd(model: CatalogModel | string, inputTokens: number, outputTokens: number): number;
}

export class UnknownModelError extends Error {
  override name = 'UnknownModelError';
  readonly modelId: string;
  readonly validIds: readonly string[];

  constructor(modelId: string, validIds: readonly string[]) {
    super(`unknown model "${modelId}"; valid models are: ${validIds.join(', ')}`);
    this.modelId = modelId;
    this.validIds = validIds;
  }
}

export class CatalogFileError extends Error {
  override name = 'CatalogFileError';
}

// A file is either `{ "models": [...] }` (the shape of models.json, which has room for a comment)
// or a bare array of models.
const CatalogFileSchema = z.union([
  z.object({ models: z.array(CatalogModelSchema) }),
  z.array(CatalogModelSchema).transform((models) => ({ models })),
]);

const BUILT_IN_MODELS_URL = new URL('./models.json', import.meta.url);

function readCatalogFile(location: string | URL): CatalogModel[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(location, 'utf8'));
  } catch (error) {
    throw new CatalogFileError(`cannot read models file ${String(location)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = CatalogFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new CatalogFileError(`invalid models file ${String(location)}: ${problems.join('; ')}`);
  }
  return parsed.data.models;
}

function duplicates(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) repeated.add(id);
    seen.add(id);
  }
  return [...repeated];
}

/**
 * Loads the built-in catalog and merges `extraFile` into it. A user file may add models but not
 * redefine one: an id repeated inside the file, or one that is already built in, is an error naming
 * it — silently re-pricing a model would make every cost figure quietly wrong.
 */
export function loadCatalog(options: { extraFile?: string | undefined } = {}): Catalog {
  const builtIn = readCatalogFile(BUILT_IN_MODELS_URL);
  const repeatedBuiltIn = duplicates(builtIn.map((model) => model.id));
  if (repeatedBuiltIn.length > 0) {
    throw new CatalogFileError(`models.json repeats model ids: ${repeatedBuiltIn.join(', ')}`);
  }
  let models = builtIn;
  if (options.extraFile) {
    const extra = readCatalogFile(options.extraFile);
    const repeated = duplicates(extra.map((model) => model.id));
    if (repeated.length > 0) {
      throw new CatalogFileError(`models file ${options.extraFile} repeats model ids: ${repeated.join(', ')}`);
    }
    const builtInIds = new Set(builtIn.map((model) => model.id));
    const clashing = extra.filter((model) => builtInIds.has(model.id)).map((model) => model.id);
    if (clashing.length > 0) {
      throw new CatalogFileError(
        `models file ${options.extraFile} redefines built-in model ids: ${clashing.join(', ')}; give your models their own ids`,
      );
    }
    models = [...builtIn, ...extra];
  }
  return createCatalog(models);
}

/** A catalog over an explicit list of models (tests, or a caller that already parsed them). */
export function createCatalog(models: readonly CatalogModel[]): Catalog {
  const byId = new Map(models.map((model) => [model.id, model] as const));
  const frozen = Object.freeze([...models]);

  function require(id: string): CatalogModel {
    const model = byId.get(id);
    if (!model) throw new UnknownModelError(id, [...byId.keys()]);
    return model;
  }

  return {
    list: () => frozen,
    get: (id) => byId.get(id),
    require,
    findByProviderModel: (provider, providerModel) =>
      frozen.find((model) => model.provider === provider && model.provider_model === providerModel),
    costUsd(model, inputTokens, outputTokens) {
      const priced = typeof model === 'string' ? require(model) : model;
      return (inputTokens * priced.input_usd_per_mtok + outputTokens * priced.output_usd_per_mtok) / 1_000_000;
    },
  };
}
