import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';

/**
 * Anthropic's structured outputs (strict tool use and `output_config.format`) compile the schema
 * into a grammar and accept a subset of JSON Schema: every object closed with
 * `additionalProperties: false`, no numeric or string-length constraints, `minItems` 0 or 1 only,
 * and bounded complexity — at most 24 optional parameters and 16 parameters with union types
 * (`anyOf` or a type array) across the request's strict schemas. Anything else is a 400.
 *
 * The SDK's own `transformJSONSchema` rewrites a schema into the subset (unsupported keywords move
 * into the description); the limits it cannot fix are counted here, so a schema beyond them is sent
 * without `strict` (Quarry checks every answer against its own schema anyway) instead of failing.
 */
export const STRICT_LIMITS = { unionParameters: 16, optionalParameters: 24 } as const;

export function toStrictSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return transformJSONSchema(schema);
}

interface Counts {
  unions: number;
  optional: number;
}

function walk(node: unknown, counts: Counts): void {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
  const schema = node as Record<string, unknown>;
  const properties = (schema['properties'] ?? {}) as Record<string, unknown>;
  const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as unknown[]) : []);
  for (const [name, property] of Object.entries(properties)) {
    if (!required.has(name)) counts.optional += 1;
    const value = property as Record<string, unknown> | null;
    if (value && (Array.isArray(value['anyOf']) || Array.isArray(value['type']))) counts.unions += 1;
    walk(property, counts);
  }
  walk(schema['items'], counts);
  for (const key of ['anyOf', 'allOf'] as const) {
    if (Array.isArray(schema[key])) for (const variant of schema[key] as unknown[]) walk(variant, counts);
  }
  for (const definition of Object.values((schema['$defs'] ?? {}) as Record<string, unknown>)) walk(definition, counts);
}

/** Whether a (transformed) schema stays within the documented complexity limits of strict mode. */
export function withinStrictLimits(schema: Record<string, unknown>): boolean {
  const counts: Counts = { unions: 0, optional: 0 };
  walk(schema, counts);
  return counts.unions <= STRICT_LIMITS.unionParameters && counts.optional <= STRICT_LIMITS.optionalParameters;
}
