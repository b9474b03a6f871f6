import { childPointer, getAt, parsePointer } from './json-pointer.ts';
import { matchHintFromEvaluationConfig } from './match-hint.ts';
import type { IssueList } from './schema-issues.ts';
import { readEnum, readNumber, readString } from './json-schema-scalars.ts';
import type { ObjectNode, ObjectProperty, SchemaNode } from './schema-node.ts';

/**
 * A JSON Schema as published, read into the canonical tree. Accepted: `type` (a name or a list),
 * `properties`, `required`, `items`, `enum`, `const`, `anyOf`/`oneOf` (alternatives, or "or null"),
 * OpenAPI's `nullable: true`, `description`/`title`, `format` (`date` becomes a date leaf), `pattern`,
 * `minimum`/`maximum`, `minItems`/`maxItems`, `default`, local `$ref`s into `$defs`/`definitions` (or
 * anywhere in the document), `additionalProperties: {schema}` without properties (a map), and a
 * one-element `allOf`. Keywords nobody enforces or that only annotate (`evaluation_config`, `$schema`,
 * `examples`, `exclusiveMinimum`...) are ignored.
 *
 * Refused, with the path of the offending keyword: what no provider's structured output can enforce —
 * recursive `$ref`s, external `$ref`s, `not`, `if`/`then`/`else`, `patternProperties`, tuples, an
 * object with both properties and typed additional keys, a value of no type at all — and what cannot
 * be read (a `$ref` to nothing, `required` naming a missing property, an empty `enum`).
 */

type Json = Record<string, unknown>;

const REFUSED_KEYWORDS: Record<string, string> = {
  not: '"not" cannot be enforced by any provider\'s structured output',
  if: 'conditional schemas (if/then/else) cannot be enforced by any provider\'s structured output',
  then: 'conditional schemas (if/then/else) cannot be enforced by any provider\'s structured output',
  else: 'conditional schemas (if/then/else) cannot be enforced by any provider\'s structured output',
  patternProperties: 'keys chosen by pattern cannot be enforced by OpenAI strict mode; use a list of rows instead',
  dependentSchemas: 'dependent schemas cannot be enforced by any provider\'s structured output',
  dependentRequired: 'dependent requirements cannot be enforced by any provider\'s structured output',
  prefixItems: 'tuples (prefixItems) cannot be enforced by OpenAI or Anthropic strict mode; use an object',
  unevaluatedProperties: 'unevaluatedProperties cannot be enforced by any provider\'s structured output',
  propertyNames: 'propertyNames cannot be enforced by any provider\'s structured output',
};

/** A guard against schemas whose `$ref`s fan out exponentially; far above any real extraction schema. */
const MAX_NODES = 20_000;
const MAX_DEPTH = 32;

interface Context {
  document: unknown;
  issues: IssueList;
  refStack: string[];
  nodes: number;
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads `schema` (found at `path` of the request) as the root of an extraction schema: it must be an
 * object. Problems are added to `issues`; the result is undefined when there were any.
 */
export function objectNodeFromJsonSchema(schema: unknown, path: string, issues: IssueList): ObjectNode | undefined {
  const context: Context = { document: schema, issues, refStack: [], nodes: 0 };
  const node = readNode(schema, path, path, context, 0);
  if (node && node.kind !== 'object') {
    issues.add(path, `the root of an extraction schema must be an object, not ${node.kind}`);
    return undefined;
  }
  if (!node || !issues.empty) return undefined;
  return { ...node, nullable: false };
}

/**
 * `path` locates this schema in the request (for messages); `base` is the root schema's own path, so
 * a `$ref` (relative to the root) can be turned into a request path too.
 */
function readNode(schema: unknown, path: string, base: string, context: Context, depth: number): SchemaNode | undefined {
  context.nodes += 1;
  if (context.nodes > MAX_NODES) {
    context.issues.add(base, `the schema expands to more than ${MAX_NODES} nodes once its $refs are resolved`);
    return undefined;
  }
  if (depth > MAX_DEPTH) {
    context.issues.add(path, `nested more than ${MAX_DEPTH} levels deep`);
    return undefined;
  }
  if (!isJson(schema)) {
    context.issues.add(path, schema === true ? 'a schema that allows any value cannot be enforced' : 'a schema must be a JSON object');
    return undefined;
  }
  if (typeof schema.$ref === 'string') return readRef(schema, path, base, context, depth);
  if ('$ref' in schema) {
    context.issues.add(childPointer(path, '$ref'), '$ref must be a string');
    return undefined;
  }
  for (const keyword of Object.keys(REFUSED_KEYWORDS)) {
    if (keyword in schema) context.issues.add(childPointer(path, keyword), REFUSED_KEYWORDS[keyword] ?? '');
  }
  if (Array.isArray(schema.allOf)) {
    if (schema.allOf.length !== 1) {
      context.issues.add(childPointer(path, 'allOf'), 'allOf with more than one schema cannot be enforced by every provider; merge them into one');
      return undefined;
    }
    const { allOf, ...rest } = schema;
    return readNode({ ...(allOf[0] as Json), ...rest }, path, base, context, depth);
  }
  const node = readTyped(schema, path, base, context, depth);
  return node ? withAnnotations(node, schema) : undefined;
}

function readRef(schema: Json, path: string, base: string, context: Context, depth: number): SchemaNode | undefined {
  const ref = schema.$ref as string;
  const refPath = childPointer(path, '$ref');
  if (!ref.startsWith('#')) {
    context.issues.add(refPath, `external $ref ${JSON.stringify(ref)} is not supported; put the definition in $defs`);
    return undefined;
  }
  let target: unknown;
  let targetPointer: string;
  try {
    targetPointer = decodeURIComponent(ref.slice(1));
    parsePointer(targetPointer);
    target = getAt(context.document, targetPointer);
  } catch {
    context.issues.add(refPath, `$ref ${JSON.stringify(ref)} is not a JSON Pointer into this schema`);
    return undefined;
  }
  if (target === undefined) {
    context.issues.add(refPath, `$ref ${JSON.stringify(ref)} points at nothing`);
    return undefined;
  }
  if (context.refStack.includes(ref)) {
    context.issues.add(refPath, `recursive $ref ${JSON.stringify(ref)}: no provider can enforce a recursive schema`);
    return undefined;
  }
  // Keywords beside a $ref (a description, an evaluation hint) refine the definition for this use.
  const { $ref: _ref, ...siblings } = schema;
  context.refStack.push(ref);
  try {
    return readNode({ ...(target as Json), ...siblings }, `${base}${targetPointer}`, base, context, depth);
  } finally {
    context.refStack.pop();
  }
}

function withAnnotations(node: SchemaNode, schema: Json): SchemaNode {
  const description = typeof schema.description === 'string' ? schema.description : typeof schema.title === 'string' ? schema.title : undefined;
  const match = matchHintFromEvaluationConfig(schema.evaluation_config);
  const annotated: SchemaNode = { ...node };
  if (description !== undefined) annotated.description = description;
  if (match) annotated.match = match;
  if ('default' in schema && schema.default !== null) annotated.default = schema.default;
  if (schema.nullable === true) annotated.nullable = true;
  return annotated;
}

function readTyped(schema: Json, path: string, base: string, context: Context, depth: number): SchemaNode | undefined {
  const alternatives = Array.isArray(schema.anyOf) ? 'anyOf' : Array.isArray(schema.oneOf) ? 'oneOf' : undefined;
  if (alternatives) {
    if ('type' in schema || 'properties' in schema || 'items' in schema) {
      context.issues.add(path, `${alternatives} beside type/properties/items cannot be enforced by every provider; put the common keywords inside each alternative`);
      return undefined;
    }
    return readAlternatives(schema[alternatives] as unknown[], childPointer(path, alternatives), base, context, depth);
  }
  if ('enum' in schema || 'const' in schema) return readEnum(schema, path, context.issues);
  const types = typeList(schema);
  if (types === undefined) {
    context.issues.add(childPointer(path, 'type'), 'type must be a type name or a list of them');
    return undefined;
  }
  const nullable = types.includes('null');
  const concrete = types.filter((type) => type !== 'null');
  if (concrete.length === 0) {
    context.issues.add(path, nullable ? 'a value that is always null carries nothing to extract' : 'a value of no type cannot be enforced; give it a type');
    return undefined;
  }
  const nodes = concrete.map((type) => readOfType(type, schema, path, base, context, depth));
  if (nodes.some((node) => node === undefined)) return undefined;
  const defined = nodes as SchemaNode[];
  if (defined.length === 1) return { ...defined[0]!, nullable };
  return { kind: 'union', options: defined, nullable };
}

/** The declared types, or the one implied by the keywords present; undefined when `type` is malformed. */
function typeList(schema: Json): string[] | undefined {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.every((type) => typeof type === 'string') ? (schema.type as string[]) : undefined;
  if (schema.type !== undefined) return undefined;
  if (isJson(schema.properties) || isJson(schema.additionalProperties)) return ['object'];
  if ('items' in schema) return ['array'];
  return [];
}

function readAlternatives(options: unknown[], path: string, base: string, context: Context, depth: number): SchemaNode | undefined {
  let nullable = false;
  let failed = false;
  const nodes: SchemaNode[] = [];
  options.forEach((option, index) => {
    if (isJson(option) && option.type === 'null') {
      nullable = true;
      return;
    }
    const node = readNode(option, childPointer(path, index), base, context, depth + 1);
    if (!node) {
      failed = true;
      return;
    }
    if (node.nullable) nullable = true;
    // A nested union's alternatives are this union's alternatives.
    if (node.kind === 'union') nodes.push(...node.options);
    else nodes.push({ ...node, nullable: false });
  });
  if (failed) return undefined;
  if (nodes.length === 0) {
    context.issues.add(path, 'alternatives that are all null carry nothing to extract');
    return undefined;
  }
  if (nodes.length === 1) return { ...nodes[0]!, nullable };
  return { kind: 'union', options: nodes, nullable };
}

function readOfType(type: string, schema: Json, path: string, base: string, context: Context, depth: number): SchemaNode | undefined {
  switch (type) {
    case 'string':
      return readString(schema, path, context.issues);
    case 'number':
    case 'integer':
      return readNumber(type, schema);
    case 'boolean':
      return { kind: 'boolean', nullable: false };
    case 'object':
      return readObject(schema, path, base, context, depth);
    case 'array':
      return readArray(schema, path, base, context, depth);
    default:
      context.issues.add(childPointer(path, 'type'), `unknown type ${JSON.stringify(type)}`);
      return undefined;
  }
}

function readObject(schema: Json, path: string, base: string, context: Context, depth: number): SchemaNode | undefined {
  const properties = schema.properties;
  const extra = schema.additionalProperties;
  if (properties !== undefined && !isJson(properties)) {
    context.issues.add(childPointer(path, 'properties'), 'properties must be an object of schemas');
    return undefined;
  }
  const names = properties ? Object.keys(properties) : [];
  if (isJson(extra)) {
    if (names.length > 0) {
      context.issues.add(childPointer(path, 'additionalProperties'), 'an object with both properties and typed additional keys cannot be enforced by OpenAI strict mode');
      return undefined;
    }
    const values = readNode(extra, childPointer(path, 'additionalProperties'), base, context, depth + 1);
    return values ? { kind: 'map', values, nullable: false } : undefined;
  }
  if (names.length === 0) {
    context.issues.add(path, 'an object needs at least one property (or typed additionalProperties for keys chosen by the document)');
    return undefined;
  }
  const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : [];
  for (const name of required) {
    if (!names.includes(name)) context.issues.add(childPointer(path, 'required'), `required names "${name}", which is not a property`);
  }
  const propertiesPath = childPointer(path, 'properties');
  const read: ObjectProperty[] = [];
  for (const name of names) {
    const namePath = childPointer(propertiesPath, name);
    if (name.length === 0 || name.length > 128 || /\p{Cc}/u.test(name)) {
      context.issues.add(namePath, 'a property name has 1 to 128 characters and no control characters');
      continue;
    }
    const node = readNode((properties as Json)[name], namePath, base, context, depth + 1);
    if (node) read.push({ name, required: required.includes(name), node });
  }
  return read.length === names.length ? { kind: 'object', properties: read, nullable: false } : undefined;
}

function readArray(schema: Json, path: string, base: string, context: Context, depth: number): SchemaNode | undefined {
  if (Array.isArray(schema.items)) {
    context.issues.add(childPointer(path, 'items'), 'tuples (items as a list) cannot be enforced by OpenAI or Anthropic strict mode; use an object');
    return undefined;
  }
  if (schema.items === undefined) {
    context.issues.add(path, 'an array needs an items schema');
    return undefined;
  }
  const items = readNode(schema.items, childPointer(path, 'items'), base, context, depth + 1);
  if (!items) return undefined;
  const node: SchemaNode = { kind: 'array', items, nullable: false };
  if (typeof schema.minItems === 'number') node.minItems = schema.minItems;
  if (typeof schema.maxItems === 'number') node.maxItems = schema.maxItems;
  return node;
}
