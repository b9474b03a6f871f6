/**
 * The JSON Schema rules of the providers' strict structured output, as their documentation states
 * them, so the simulator refuses what the real APIs refuse:
 * - OpenAI `response_format` json_schema with `strict: true`: the root is an object; every object
 *   lists all its properties in `required` and sets `additionalProperties: false`; only the
 *   supported keywords (no `default`, no `patternProperties`, ...); at most 1,000 enum values and
 *   120,000 characters of property names, enum and const values in all; 10 levels of nesting.
 * - Anthropic strict tool use and `output_config.format`: every object sets
 *   `additionalProperties: false`; no numeric or string-length constraints, `minItems` 0 or 1 only;
 *   at most 24 optional parameters and 16 parameters with union types.
 */

type Schema = Record<string, unknown>;

const OPENAI_KEYWORDS = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'anyOf', '$ref', '$defs',
  'definitions', 'description', 'title', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems', 'minLength', 'maxLength',
]);

const ANTHROPIC_KEYWORDS = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'anyOf', 'allOf', '$ref',
  '$defs', 'definitions', 'description', 'title', 'default', 'format', 'pattern', 'minItems',
]);

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every sub-schema with its path and depth, the root first. */
function* subschemas(schema: Schema, path = '#', depth = 0): Generator<{ schema: Schema; path: string; depth: number }> {
  yield { schema, path, depth };
  const properties = schema['properties'];
  if (isSchema(properties)) {
    for (const [name, property] of Object.entries(properties)) if (isSchema(property)) yield* subschemas(property, `${path}/properties/${name}`, depth + 1);
  }
  if (isSchema(schema['items'])) yield* subschemas(schema['items'], `${path}/items`, depth + 1);
  for (const key of ['anyOf', 'allOf']) {
    const variants = schema[key];
    if (Array.isArray(variants)) for (const [index, variant] of variants.entries()) if (isSchema(variant)) yield* subschemas(variant, `${path}/${key}/${index}`, depth);
  }
  for (const key of ['$defs', 'definitions']) {
    const definitions = schema[key];
    if (isSchema(definitions)) for (const [name, definition] of Object.entries(definitions)) if (isSchema(definition)) yield* subschemas(definition, `${path}/${key}/${name}`, depth);
  }
}

const isObjectType = (schema: Schema) => schema['type'] === 'object' || (Array.isArray(schema['type']) && schema['type'].includes('object')) || isSchema(schema['properties']);

/** Why OpenAI's strict mode would refuse this schema; empty when it would accept it. */
export function openAIStrictProblems(root: unknown): string[] {
  if (!isSchema(root)) return ['the schema is not an object'];
  const problems: string[] = [];
  if (root['type'] !== 'object') problems.push('the root schema must be of type "object"');
  let enumValues = 0;
  let characters = 0;
  for (const { schema, path, depth } of subschemas(root)) {
    if (depth > 10) problems.push(`${path}: nested deeper than 10 levels`);
    for (const key of Object.keys(schema)) if (!OPENAI_KEYWORDS.has(key)) problems.push(`${path}: '${key}' is not permitted`);
    if (isObjectType(schema)) {
      if (schema['additionalProperties'] !== false) problems.push(`${path}: 'additionalProperties' is required to be supplied and to be false`);
      const properties = isSchema(schema['properties']) ? Object.keys(schema['properties']) : [];
      const required = Array.isArray(schema['required']) ? (schema['required'] as unknown[]) : [];
      const missing = properties.filter((name) => !required.includes(name));
      if (missing.length > 0) problems.push(`${path}: 'required' must list every property; missing ${missing.join(', ')}`);
      characters += properties.reduce((sum, name) => sum + name.length, 0);
    }
    if (Array.isArray(schema['enum'])) {
      enumValues += schema['enum'].length;
      characters += schema['enum'].reduce<number>((sum, value) => sum + String(value).length, 0);
    }
    if (schema['const'] !== undefined) characters += String(schema['const']).length;
  }
  if (enumValues > 1000) problems.push(`the schema has ${enumValues} enum values; at most 1000 are permitted`);
  if (characters > 120_000) problems.push(`property names, enum and const values take ${characters} characters; at most 120000 are permitted`);
  return problems;
}

/** Why Anthropic's strict structured output would refuse this schema; empty when it would accept it. */
export function anthropicStrictProblems(root: unknown): string[] {
  if (!isSchema(root)) return ['the schema is not an object'];
  const problems: string[] = [];
  let unions = 0;
  let optional = 0;
  for (const { schema, path } of subschemas(root)) {
    for (const key of Object.keys(schema)) {
      if (!ANTHROPIC_KEYWORDS.has(key)) problems.push(`${path}: for '${String(schema['type'] ?? 'this')}' type, property ${key} is not supported`);
    }
    if (schema['minItems'] !== undefined && schema['minItems'] !== 0 && schema['minItems'] !== 1) problems.push(`${path}: minItems other than 0 or 1 is not supported`);
    if (isObjectType(schema)) {
      if (schema['additionalProperties'] !== false) problems.push(`${path}: additionalProperties must be set to false`);
      const properties = isSchema(schema['properties']) ? schema['properties'] : {};
      const required = Array.isArray(schema['required']) ? (schema['required'] as unknown[]) : [];
      for (const [name, property] of Object.entries(properties)) {
        if (!required.includes(name)) optional += 1;
        if (isSchema(property) && (Array.isArray(property['anyOf']) || Array.isArray(property['type']))) unions += 1;
      }
    }
  }
  if (unions > 16) problems.push(`Schema is too complex: ${unions} parameters with union types (at most 16)`);
  if (optional > 24) problems.push(`Schema is too complex: ${optional} optional parameters (at most 24)`);
  return problems;
}
