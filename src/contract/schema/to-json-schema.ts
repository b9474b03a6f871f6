import type { CanonicalSchema, MatchHint, SchemaNode } from './schema-node.ts';

/**
 * A canonical schema written back as a plain JSON Schema — what a person sees when the dashboard
 * shows or exports a schema, whichever form it was given in, and what a prompt can show a model as
 * the document's shape. Reading it back with `parseExtractionSchema({name, json_schema})` gives the
 * same canonical tree: nullable values become type lists (or `anyOf` with null), maps become typed
 * `additionalProperties`, match hints become ExtractBench `evaluation_config` presets.
 */
export function toJsonSchema(schema: CanonicalSchema): Record<string, unknown> {
  return nodeSchema(schema.root);
}

const PRESETS: Partial<Record<MatchHint['metric'], string>> = {
  exact: 'string_exact',
  case_insensitive: 'string_case_insensitive',
  semantic: 'string_semantic',
  skip: 'skip',
};

function evaluationConfig(hint: MatchHint): unknown {
  if (hint.metric === 'fuzzy') return hint.threshold === undefined || hint.threshold === 0.8 ? 'string_fuzzy' : { metrics: [{ metric_id: 'string_fuzzy', params: { threshold: hint.threshold } }] };
  if (hint.metric === 'number') return { metrics: [{ metric_id: 'number_tolerance', params: { tolerance: hint.tolerance ?? 0 } }] };
  return PRESETS[hint.metric];
}

function annotations(node: SchemaNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (node.description !== undefined) out.description = node.description;
  if (node.default !== undefined) out.default = node.default;
  const config = node.match ? evaluationConfig(node.match) : undefined;
  if (config !== undefined) out.evaluation_config = config;
  return out;
}

/** The node's own schema, without null. */
function bare(node: SchemaNode): Record<string, unknown> {
  switch (node.kind) {
    case 'string':
      return { type: 'string', ...(node.format ? { format: node.format } : {}), ...(node.pattern ? { pattern: node.pattern } : {}) };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'number':
    case 'integer':
      return { type: node.kind, ...(node.minimum !== undefined ? { minimum: node.minimum } : {}), ...(node.maximum !== undefined ? { maximum: node.maximum } : {}) };
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return { enum: [...node.values] };
    case 'object': {
      const required = node.properties.filter((property) => property.required).map((property) => property.name);
      return {
        type: 'object',
        properties: Object.fromEntries(node.properties.map((property) => [property.name, nodeSchema(property.node)])),
        ...(required.length > 0 ? { required } : {}),
      };
    }
    case 'array':
      return {
        type: 'array',
        items: nodeSchema(node.items),
        ...(node.minItems !== undefined ? { minItems: node.minItems } : {}),
        ...(node.maxItems !== undefined ? { maxItems: node.maxItems } : {}),
      };
    case 'map':
      return { type: 'object', additionalProperties: nodeSchema(node.values) };
    case 'union':
      return { anyOf: node.options.map(nodeSchema) };
  }
}

function nodeSchema(node: SchemaNode): Record<string, unknown> {
  const schema = bare(node);
  if (node.nullable) {
    if (node.kind === 'enum') schema.enum = [...(schema.enum as unknown[]), null];
    else if (node.kind === 'union') schema.anyOf = [...(schema.anyOf as unknown[]), { type: 'null' }];
    else schema.type = [schema.type, 'null'];
  }
  return { ...schema, ...annotations(node) };
}
