import type { JsonSchema } from './wire-json-schema.ts';

/**
 * The walk every provider translation shares: each subschema (under `properties`, `items`, `anyOf`)
 * keeps the keywords its provider enforces, and the others are told to the model in its description
 * as `{pattern: "...", minimum: 0}` — the same move the Anthropic SDK's `transformJSONSchema` makes,
 * so a constraint the provider cannot enforce still guides the model and is checked afterwards by
 * the answer's zod schema.
 */
export interface KeywordRules {
  /** Keywords kept as they are (the structural ones are always kept). */
  keep: ReadonlySet<string>;
  /** A keyword kept only when this says so (e.g. a supported `format`), else moved to the description. */
  keepIf?: (keyword: string, value: unknown, schema: JsonSchema) => boolean;
  /** Last touches to each translated subschema (e.g. Gemini's `propertyOrdering`). */
  finish?: (schema: JsonSchema) => JsonSchema;
}

const STRUCTURE = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'anyOf', 'description']);

export function filterKeywords(schema: JsonSchema, rules: KeywordRules): JsonSchema {
  const kept: JsonSchema = {};
  const moved: string[] = [];
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === 'properties' && typeof value === 'object' && value !== null) {
      kept.properties = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, filterKeywords(child as JsonSchema, rules)]));
    } else if (keyword === 'items' && typeof value === 'object' && value !== null) {
      kept.items = filterKeywords(value as JsonSchema, rules);
    } else if (keyword === 'anyOf' && Array.isArray(value)) {
      kept.anyOf = value.map((option) => filterKeywords(option as JsonSchema, rules));
    } else if (STRUCTURE.has(keyword) || (rules.keep.has(keyword) && (rules.keepIf?.(keyword, value, schema) ?? true))) {
      kept[keyword] = value;
    } else {
      moved.push(`${keyword}: ${JSON.stringify(value)}`);
    }
  }
  if (moved.length > 0) {
    const before = typeof kept.description === 'string' ? `${kept.description}\n\n` : '';
    kept.description = `${before}{${moved.join(', ')}}`;
  }
  return rules.finish ? rules.finish(kept) : kept;
}

/** Every subschema with its JSON path (`/properties/a/items/anyOf/0`), depth first. */
export function* subschemas(schema: JsonSchema, path = ''): Generator<{ schema: JsonSchema; path: string }> {
  yield { schema, path };
  if (typeof schema.properties === 'object' && schema.properties !== null) {
    for (const [name, child] of Object.entries(schema.properties)) {
      yield* subschemas(child as JsonSchema, `${path}/properties/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`);
    }
  }
  if (typeof schema.items === 'object' && schema.items !== null) yield* subschemas(schema.items as JsonSchema, `${path}/items`);
  if (Array.isArray(schema.anyOf)) {
    for (const [index, option] of schema.anyOf.entries()) yield* subschemas(option as JsonSchema, `${path}/anyOf/${index}`);
  }
}

/**
 * A JSON Schema path as the data path it describes, for messages a person reads:
 * `/properties/data/properties/line_items/items/properties/amount` → `/data/line_items/*\/amount`.
 */
export function dataPathOf(schemaPath: string): string {
  const segments = schemaPath.split('/').slice(1);
  let path = '';
  for (let index = 0; index < segments.length; index += 1) {
    const segment = segments[index];
    if (segment === 'properties') path += `/${segments[++index] ?? ''}`;
    else if (segment === 'items') path += '/*';
    else if (segment === 'anyOf') index += 1;
  }
  return path;
}
