import type { ValidationRule } from './validation-rule-format.ts';

/**
 * The canonical extraction schema: one tree that both accepted forms (the simple `{name, fields}` form
 * and a published JSON Schema) are parsed into, and that everything downstream reads — leaves and
 * pointers, scoring, validation rules, the provider translations and the dashboard. It is plain data
 * (JSON-serialisable, no classes) so it can cross the workflow boundary and reach the browser as is.
 *
 * A node is one of:
 * - a scalar leaf: `string` (optionally `format`ted: `date` is its own kind because dates are parsed
 *   and compared as calendar days), `number`, `integer`, `boolean`, `date`, `enum`;
 * - `object` with ordered properties, each flagged required or not;
 * - `array` of one item node (scalars, objects, anything);
 * - `map`: an object whose keys are data (JSON Schema `additionalProperties: {schema}` without
 *   `properties`), e.g. résumé skills grouped under headings the document chooses;
 * - `union`: alternatives that are not just "or null" (`anyOf: [integer, string]`).
 * Every node may be `nullable`; "or null" is a flag, never a union member.
 */

export type ScalarKind = 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'enum';
export type NodeKind = ScalarKind | 'object' | 'array' | 'map' | 'union';

/** How a leaf is compared when scored; ExtractBench's `evaluation_config` presets map onto these. */
export type MatchMetric =
  | 'exact'
  | 'case_insensitive'
  | 'normalised'
  | 'fuzzy'
  | 'semantic'
  | 'number'
  | 'skip';

export interface MatchHint {
  metric: MatchMetric;
  /** Fuzzy: the least similarity (0..1) that counts as a match. */
  threshold?: number;
  /** Numbers: the largest absolute difference that counts as a match. */
  tolerance?: number;
  /** Where the hint came from, e.g. `string_semantic` — kept so a report can say what it did with it. */
  source?: string;
}

interface NodeBase {
  description?: string;
  nullable: boolean;
  match?: MatchHint;
  /** JSON Schema `default`: no provider enforces it, so it is told to the model in the description. */
  default?: unknown;
}

export type EnumValue = string | number | boolean;

export interface StringNode extends NodeBase {
  kind: 'string';
  /** A JSON Schema `format` other than `date` (e.g. `email`, `uri`, `date-time`). */
  format?: string;
  pattern?: string;
}
export interface NumberNode extends NodeBase {
  kind: 'number' | 'integer';
  minimum?: number;
  maximum?: number;
}
export interface BooleanNode extends NodeBase {
  kind: 'boolean';
}
export interface DateNode extends NodeBase {
  kind: 'date';
}
export interface EnumNode extends NodeBase {
  kind: 'enum';
  values: EnumValue[];
}
export interface ObjectProperty {
  name: string;
  required: boolean;
  node: SchemaNode;
}
export interface ObjectNode extends NodeBase {
  kind: 'object';
  properties: ObjectProperty[];
}
export interface ArrayNode extends NodeBase {
  kind: 'array';
  items: SchemaNode;
  minItems?: number;
  maxItems?: number;
}
export interface MapNode extends NodeBase {
  kind: 'map';
  values: SchemaNode;
}
export interface UnionNode extends NodeBase {
  kind: 'union';
  /** Two or more alternatives, none of them nullable themselves (the union carries `nullable`). */
  options: SchemaNode[];
}

export type ScalarNode = StringNode | NumberNode | BooleanNode | DateNode | EnumNode;
export type SchemaNode = ScalarNode | ObjectNode | ArrayNode | MapNode | UnionNode;

export interface CanonicalSchema {
  name: string;
  description?: string;
  root: ObjectNode;
  /** Arithmetic and consistency checks on the extracted data (`validation-rules.ts`). */
  rules: ValidationRule[];
}

const SCALAR_KINDS: ReadonlySet<string> = new Set<ScalarKind>(['string', 'number', 'integer', 'boolean', 'date', 'enum']);

export function isScalar(node: SchemaNode): node is ScalarNode {
  return SCALAR_KINDS.has(node.kind);
}

/** A union whose alternatives are all scalars behaves as one leaf (`rank`: integer or "DNF"). */
export function isLeaf(node: SchemaNode): boolean {
  return isScalar(node) || (node.kind === 'union' && node.options.every(isScalar));
}
