import type { EnumValue, SchemaNode } from '../../contract/schema/schema-node.ts';

/**
 * The JSON Schema of wire data (a node already in wire form, see `wire-form.ts`) before any
 * provider's restrictions: the common ground the three translations start from.
 * - Every object lists all its properties as required and forbids others: "not in the document" is
 *   said with null, never by leaving a key out (OpenAI strict requires it; for Anthropic it keeps the
 *   optional-parameter budget at zero).
 * - Every leaf may be null, whatever the schema says: a model must be able to say it did not find a
 *   value instead of inventing one. Objects and lists are never null on the wire (an object of nulls,
 *   an empty list), which keeps the number of union-typed parameters down.
 * - Nullable is a type list (`["string", "null"]`); an enum is nullable through `anyOf` with null,
 *   the one spelling OpenAI strict mode accepts for it.
 * - Keywords only some providers enforce (`format`, `pattern`, bounds) are kept here; each
 *   translation keeps what its provider supports and moves the rest into the description.
 * - A JSON Schema `default` no provider enforces is told to the model in the description.
 */
export type JsonSchema = Record<string, unknown>;

function describe(node: SchemaNode, extra?: string): Record<string, string> {
  const parts = [node.description, extra];
  if (node.default !== undefined) parts.push(`When the document does not state it, use ${JSON.stringify(node.default)}.`);
  const text = parts.filter((part): part is string => Boolean(part)).join(' ');
  return text ? { description: text } : {};
}

const nullable = (type: string) => [type, 'null'];

function enumSchema(values: readonly EnumValue[]): JsonSchema[] {
  const byType = new Map<string, EnumValue[]>();
  for (const value of values) {
    const type = typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value;
    byType.set(type, [...(byType.get(type) ?? []), value]);
  }
  return [...byType.entries()].map(([type, members]) => ({ type, enum: members }));
}

/** A leaf's schema without null (for use inside a union). */
function leafSchema(node: SchemaNode): JsonSchema {
  switch (node.kind) {
    case 'string':
      return { type: 'string', ...(node.format ? { format: node.format } : {}), ...(node.pattern ? { pattern: node.pattern } : {}) };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'number':
    case 'integer':
      return {
        type: node.kind,
        ...(node.minimum !== undefined ? { minimum: node.minimum } : {}),
        ...(node.maximum !== undefined ? { maximum: node.maximum } : {}),
      };
    case 'boolean':
      return { type: 'boolean' };
    case 'enum': {
      const [only, ...more] = enumSchema(node.values);
      return more.length === 0 && only ? only : { anyOf: enumSchema(node.values) };
    }
    default:
      return wireJsonSchema(node);
  }
}

const DATE_NOTE = 'A calendar date written YYYY-MM-DD.';

const isScalarKind = (node: SchemaNode) => !['object', 'array', 'map', 'union'].includes(node.kind);

/** A list item: a value in a list is never null (a value the document lacks is not listed). */
function itemSchema(node: SchemaNode): JsonSchema {
  if (isScalarKind(node)) return { ...leafSchema(node), ...describe(node, node.kind === 'date' ? DATE_NOTE : undefined) };
  if (node.kind === 'union' && node.options.every(isScalarKind)) {
    return { anyOf: node.options.flatMap((option) => {
      const schema = leafSchema(option);
      return Array.isArray(schema.anyOf) ? (schema.anyOf as JsonSchema[]) : [schema];
    }), ...describe(node) };
  }
  return wireJsonSchema(node);
}

export function wireJsonSchema(node: SchemaNode): JsonSchema {
  switch (node.kind) {
    case 'object':
      return {
        type: 'object',
        ...describe(node),
        properties: Object.fromEntries(node.properties.map((property) => [property.name, wireJsonSchema(property.node)])),
        required: node.properties.map((property) => property.name),
        additionalProperties: false,
      };
    case 'array':
      return {
        type: 'array',
        ...describe(node),
        items: itemSchema(node.items),
        ...(node.minItems !== undefined ? { minItems: node.minItems } : {}),
        ...(node.maxItems !== undefined ? { maxItems: node.maxItems } : {}),
      };
    case 'map':
      throw new Error('wireJsonSchema takes a node in wire form (see wireNode): maps are lists of entries there');
    case 'union': {
      const scalarOnly = node.options.every(isScalarKind);
      const options = node.options.flatMap((option) => {
        const schema = leafSchema(option);
        return Array.isArray(schema.anyOf) ? (schema.anyOf as JsonSchema[]) : [schema];
      });
      return { anyOf: scalarOnly ? [...options, { type: 'null' }] : options, ...describe(node) };
    }
    case 'enum':
      return { anyOf: [...enumSchema(node.values), { type: 'null' }], ...describe(node) };
    case 'date':
      return { type: nullable('string'), format: 'date', ...describe(node, DATE_NOTE) };
    default: {
      const { type, ...rest } = leafSchema(node);
      return { type: nullable(type as string), ...rest, ...describe(node) };
    }
  }
}
