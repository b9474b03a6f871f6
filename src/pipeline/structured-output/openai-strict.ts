import { filterKeywords } from './keyword-filter.ts';
import type { JsonSchema } from './wire-json-schema.ts';

/**
 * An answer schema as OpenAI strict structured output takes it (`response_format: {type:
 * "json_schema", json_schema: {name, schema, strict: true}}`, or a strict function's parameters).
 * The rules, from OpenAI's "Supported schemas" guide and the `openai` SDK's `toStrictJsonSchema`
 * (node_modules/openai/src/lib/transform.ts):
 * - the root is an object, not `anyOf`;
 * - every object has `additionalProperties: false` and lists all its properties in `required`;
 *   optional is said with null (`type: ["string", "null"]`), which the wire schema already does;
 * - supported: `type`, `properties`, `required`, `additionalProperties`, `items`, `enum`, `const`,
 *   `anyOf`, `description`, `pattern`, `format` (only date-time, time, date, duration, email,
 *   hostname, ipv4, ipv6, uuid), `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`,
 *   `multipleOf`, `minItems`, `maxItems`; anything else — `default` is refused outright with a 400 —
 *   is moved into the description;
 * - limits (checked by `schema-budget.ts`): 5000 object properties in all, 10 levels of nested
 *   objects, 1000 enum values, 120,000 characters of property names, enum and const values, and at
 *   most 15,000 characters for a single string enum of more than 250 values.
 */

export const OPENAI_FORMATS: ReadonlySet<string> = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid']);

const KEEP = new Set(['enum', 'const', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems']);

export function openAiStrictSchema(schema: JsonSchema): JsonSchema {
  if (schema.type !== 'object') throw new Error('an OpenAI strict schema has an object at its root');
  return filterKeywords(schema, {
    keep: KEEP,
    keepIf: (keyword, value) => keyword !== 'format' || OPENAI_FORMATS.has(String(value)),
    finish: (node) =>
      node.type === 'object' && typeof node.properties === 'object' && node.properties !== null
        ? { ...node, required: Object.keys(node.properties), additionalProperties: false }
        : node,
  });
}

/** The `response_format` of a Chat Completions (or `text.format` of a Responses) request. */
export function openAiResponseFormat(name: string, schema: JsonSchema): { type: 'json_schema'; json_schema: { name: string; schema: JsonSchema; strict: true } } {
  return { type: 'json_schema', json_schema: { name, schema: openAiStrictSchema(schema), strict: true } };
}
