import { WILDCARD, childPointer, parsePointer } from './json-pointer.ts';
import { isLeaf, type ObjectNode, type SchemaNode } from './schema-node.ts';
import { unionOptionFor } from './union-option.ts';

/**
 * Leaves are where values live: scalars, and unions of scalars (`rank`: a number or "DNF"). A leaf of
 * the schema is named by a pattern with `*` for array indices and map keys (`/line_items/*\/amount`);
 * a leaf of a value by a plain JSON Pointer (`/line_items/2/amount`). Per-leaf facts — confidence,
 * validation verdicts, scores — are keyed by the value pointer.
 */

export interface SchemaLeaf {
  pattern: string;
  node: SchemaNode;
}

export interface ValueLeaf {
  pointer: string;
  /** The schema leaf the pointer belongs to. */
  pattern: string;
  node: SchemaNode;
  value: unknown;
}

/** Every leaf of the schema, in schema order; a pattern reached through two union options once. */
export function schemaLeaves(root: ObjectNode): SchemaLeaf[] {
  const leaves: SchemaLeaf[] = [];
  const seen = new Set<string>();
  eachSchemaPattern(root, (node, pattern) => {
    if (!isLeaf(node)) return true;
    if (!seen.has(pattern)) leaves.push({ pattern, node });
    seen.add(pattern);
    return false;
  });
  return leaves;
}

/**
 * Walks the schema's nodes with their patterns, depth first in schema order: into an object's
 * properties, an array's items and a map's values (as `*`), and a union's options (at the same
 * pattern), wherever `enter` answers true.
 */
function eachSchemaPattern(root: ObjectNode, enter: (node: SchemaNode, pattern: string) => boolean): void {
  const visit = (node: SchemaNode, pattern: string) => {
    if (!enter(node, pattern)) return;
    switch (node.kind) {
      case 'object':
        for (const property of node.properties) visit(property.node, childPointer(pattern, property.name));
        return;
      case 'array':
        visit(node.items, childPointer(pattern, WILDCARD));
        return;
      case 'map':
        visit(node.values, childPointer(pattern, WILDCARD));
        return;
      case 'union':
        for (const option of node.options) visit(option, pattern);
        return;
      default:
        return;
    }
  };
  visit(root, '');
}

/**
 * Every leaf present in `value`, read through the schema: properties the value has (null ones too),
 * every array item and map entry, the union option the value fits. Keys the schema does not know and
 * values of the wrong shape are skipped (see `data-shape.ts` to check a value against the schema).
 */
export function valueLeaves(root: ObjectNode, value: unknown): ValueLeaf[] {
  const leaves: ValueLeaf[] = [];
  const visit = (node: SchemaNode, current: unknown, pointer: string, pattern: string) => {
    if (node.kind === 'union' && !isLeaf(node)) {
      const option = unionOptionFor(node.options, current);
      if (option) visit(option, current, pointer, pattern);
      return;
    }
    if (isLeaf(node)) {
      leaves.push({ pointer, pattern, node, value: current });
      return;
    }
    if (current === null || typeof current !== 'object') return;
    if (node.kind === 'object' && !Array.isArray(current)) {
      for (const property of node.properties) {
        if (!Object.hasOwn(current, property.name)) continue;
        const child = (current as Record<string, unknown>)[property.name];
        visit(property.node, child, childPointer(pointer, property.name), childPointer(pattern, property.name));
      }
    } else if (node.kind === 'array' && Array.isArray(current)) {
      current.forEach((item, index) => visit(node.items, item, childPointer(pointer, index), childPointer(pattern, WILDCARD)));
    } else if (node.kind === 'map' && !Array.isArray(current)) {
      for (const [key, item] of Object.entries(current)) visit(node.values, item, childPointer(pointer, key), childPointer(pattern, WILDCARD));
    }
  };
  visit(root, value, '', '');
  return leaves;
}

/**
 * The schema node(s) at a pointer or pattern, walking objects by name and arrays and maps by any
 * segment (an array only by an index or `*`). A union yields the nodes of each option that has the
 * path, so the answer is a list; empty when the pointer is not in the schema.
 */
export function schemaNodesAt(root: ObjectNode, pointer: string): SchemaNode[] {
  const walk = (node: SchemaNode, segments: readonly string[]): SchemaNode[] => {
    const [head, ...rest] = segments;
    if (head === undefined) return [node];
    switch (node.kind) {
      case 'object': {
        const property = node.properties.find((candidate) => candidate.name === head);
        return property ? walk(property.node, rest) : [];
      }
      case 'array':
        return head === WILDCARD || /^(0|[1-9]\d*)$/.test(head) ? walk(node.items, rest) : [];
      case 'map':
        return walk(node.values, rest);
      case 'union':
        return node.options.flatMap((option) => walk(option, segments));
      default:
        return [];
    }
  };
  return walk(root, parsePointer(pointer));
}

/**
 * The schema pattern a data pointer belongs to (`/line_items/2/amount` → `/line_items/*\/amount`),
 * or undefined when the schema has no such path. Within a union the first option that has the whole
 * path decides.
 */
export function patternOf(root: ObjectNode, pointer: string): string | undefined {
  const walk = (node: SchemaNode, segments: readonly string[], pattern: string): string | undefined => {
    const [head, ...rest] = segments;
    if (head === undefined) return pattern;
    switch (node.kind) {
      case 'object': {
        const property = node.properties.find((candidate) => candidate.name === head);
        return property ? walk(property.node, rest, childPointer(pattern, head)) : undefined;
      }
      case 'array':
        return head === WILDCARD || /^(0|[1-9]\d*)$/.test(head) ? walk(node.items, rest, childPointer(pattern, WILDCARD)) : undefined;
      case 'map':
        return walk(node.values, rest, childPointer(pattern, WILDCARD));
      case 'union':
        for (const option of node.options) {
          const found = walk(option, segments, pattern);
          if (found !== undefined) return found;
        }
        return undefined;
      default:
        return undefined;
    }
  };
  return walk(root, parsePointer(pointer), '');
}

/** Whether the pointer names a leaf of the schema (rather than a container, or nothing). */
export function isLeafPointer(root: ObjectNode, pointer: string): boolean {
  const nodes = schemaNodesAt(root, pointer);
  return nodes.length > 0 && nodes.every(isLeaf);
}

/**
 * Every path of the schema, containers and leaves (`""`, `/seller`, `/line_items`, `/line_items/*`,
 * `/line_items/*\/amount`): what a correction or a dispute may name.
 */
export function schemaPaths(root: ObjectNode): string[] {
  const paths = new Set<string>();
  eachSchemaPattern(root, (_node, pattern) => {
    paths.add(pattern);
    return true;
  });
  return [...paths];
}
