import { filterKeywords, subschemas } from './keyword-filter.ts';
import type { JsonSchema } from './wire-json-schema.ts';

/**
 * An answer schema as the input schema of an Anthropic tool the model is made to call
 * (`tool_choice: {type: "tool", name}`), strict when the schema fits strict tool use.
 *
 * What strict tool use supports, from Anthropic's structured-outputs guide and the SDK's own
 * `transformJSONSchema` (node_modules/@anthropic-ai/sdk/src/lib/transform-json-schema.ts): `type`,
 * `enum`, `const`, `anyOf`, `allOf`, `description`, `title`, `properties`, `required`,
 * `additionalProperties: false` (mandatory), `items`, `minItems` of 0 or 1, and `format` among
 * date-time, time, date, duration, email, hostname, uri, ipv4, ipv6, uuid. Numeric bounds, lengths,
 * `maxItems` and (beyond the simplest) `pattern` are not enforced; they go into the description.
 *
 * Its complexity limits (the guide's "Schema complexity limits", for all strict schemas of one
 * request together): 20 strict tools, 24 optional parameters (every property not in `required`,
 * at any depth), 16 parameters whose type is a union (`anyOf`, or a type list such as
 * `["string", "null"]`). Beyond them the API answers 400 "Schema is too complex for compilation".
 * Every wire property is required, so the optional count is 0; but every leaf is nullable, so a
 * schema of more than 16 leaves cannot be strict. Such a schema is sent as a normal (non-strict)
 * tool: the model still sees it, and the answer's zod check catches what it gets wrong.
 */

export const ANTHROPIC_FORMATS: ReadonlySet<string> = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'uri', 'ipv4', 'ipv6', 'uuid']);
export const ANTHROPIC_LIMITS = { strictTools: 20, optionalParameters: 24, unionParameters: 16 } as const;

const KEEP = new Set(['enum', 'const', 'title', 'format', 'minItems']);

export function anthropicInputSchema(schema: JsonSchema): JsonSchema {
  return filterKeywords(schema, {
    keep: KEEP,
    keepIf: (keyword, value) => (keyword === 'format' ? ANTHROPIC_FORMATS.has(String(value)) : keyword === 'minItems' ? value === 0 || value === 1 : true),
    finish: (node) => (node.type === 'object' ? { ...node, additionalProperties: false } : node),
  });
}

export interface AnthropicComplexity {
  optionalParameters: number;
  unionParameters: number;
}

export function anthropicComplexity(schema: JsonSchema): AnthropicComplexity {
  let optionalParameters = 0;
  let unionParameters = 0;
  for (const { schema: node } of subschemas(schema)) {
    if (Array.isArray(node.anyOf) || Array.isArray(node.type)) unionParameters += 1;
    if (typeof node.properties === 'object' && node.properties !== null) {
      const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
      optionalParameters += Object.keys(node.properties).filter((name) => !required.has(name)).length;
    }
  }
  return { optionalParameters, unionParameters };
}

export interface AnthropicTool {
  name: string;
  description: string;
  input_schema: JsonSchema;
  strict: boolean;
  /** Why the tool is not strict, for the run's log. */
  notStrictBecause?: string;
}

export function anthropicTool(name: string, description: string, schema: JsonSchema): AnthropicTool {
  const input_schema = anthropicInputSchema(schema);
  const { optionalParameters, unionParameters } = anthropicComplexity(input_schema);
  const reasons: string[] = [];
  if (optionalParameters > ANTHROPIC_LIMITS.optionalParameters) reasons.push(`${optionalParameters} optional parameters (at most ${ANTHROPIC_LIMITS.optionalParameters})`);
  if (unionParameters > ANTHROPIC_LIMITS.unionParameters) reasons.push(`${unionParameters} union-typed parameters (at most ${ANTHROPIC_LIMITS.unionParameters})`);
  if (reasons.length === 0) return { name, description, input_schema, strict: true };
  return { name, description, input_schema, strict: false, notStrictBecause: `strict tool use allows ${reasons.join(' and ')}` };
}
