import { parseDate } from './date-value.ts';
import { childPointer } from './json-pointer.ts';
import type { ObjectNode, SchemaNode } from './schema-node.ts';

/**
 * Whether plain JSON has the schema's shape — for data a person gives (`expected`, a review's
 * corrections, an ExtractBench gold file), not for a model's answer, which the stage answer checks
 * validate strictly. Null is accepted anywhere (it means "not in the document"), a missing key is
 * fine (partly labelled), a date may be written in any form `parseDate` reads. Keys the schema does
 * not have are reported unless `unknownKeys: 'ignore'`.
 */

export interface ShapeIssue {
  pointer: string;
  message: string;
}

export interface ShapeOptions {
  unknownKeys?: 'report' | 'ignore';
  /** Stop after this many issues (a wholly wrong document would otherwise list every leaf). */
  limit?: number;
}

export function checkDataShape(root: ObjectNode, value: unknown, options: ShapeOptions = {}): ShapeIssue[] {
  const issues: ShapeIssue[] = [];
  const limit = options.limit ?? 100;
  const add = (pointer: string, message: string) => {
    if (issues.length < limit) issues.push({ pointer, message });
  };
  const visit = (node: SchemaNode, current: unknown, pointer: string) => {
    if (current === null) return;
    const problem = scalarProblem(node, current);
    if (problem !== undefined) {
      if (problem) add(pointer, problem);
      return;
    }
    switch (node.kind) {
      case 'object': {
        if (!isPlainObject(current)) return add(pointer, 'expected an object');
        const names = new Set(node.properties.map((property) => property.name));
        for (const property of node.properties) {
          if (Object.hasOwn(current, property.name)) visit(property.node, current[property.name], childPointer(pointer, property.name));
        }
        if (options.unknownKeys !== 'ignore') {
          for (const key of Object.keys(current)) if (!names.has(key)) add(childPointer(pointer, key), 'not a field of the schema');
        }
        return;
      }
      case 'array':
        if (!Array.isArray(current)) return add(pointer, 'expected a list');
        current.forEach((item, index) => visit(node.items, item, childPointer(pointer, index)));
        return;
      case 'map':
        if (!isPlainObject(current)) return add(pointer, 'expected an object of named entries');
        for (const [key, item] of Object.entries(current)) visit(node.values, item, childPointer(pointer, key));
        return;
      case 'union': {
        const fits = node.options.some((option) => checkDataShape(wrap(option), { value: current }, { ...options, limit: 1 }).length === 0);
        if (!fits) add(pointer, `expected ${node.options.map(describe).join(' or ')}`);
        return;
      }
      default:
        return;
    }
  };
  visit(root, value, '');
  return issues;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function wrap(node: SchemaNode): ObjectNode {
  return { kind: 'object', nullable: false, properties: [{ name: 'value', required: true, node }] };
}

function describe(node: SchemaNode): string {
  return node.kind === 'enum' ? `one of ${node.values.map((value) => JSON.stringify(value)).join(', ')}` : `a ${node.kind}`;
}

/** For a scalar node: '' when the value fits, a message when not; undefined for containers. */
function scalarProblem(node: SchemaNode, value: unknown): string | undefined {
  switch (node.kind) {
    case 'string':
      return typeof value === 'string' ? '' : 'expected text';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? '' : 'expected a number';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? '' : 'expected a whole number';
    case 'boolean':
      return typeof value === 'boolean' ? '' : 'expected true or false';
    case 'date':
      return typeof value === 'string' && parseDate(value) ? '' : 'expected a date';
    case 'enum':
      return node.values.includes(value as string | number | boolean) ? '' : describe(node).replace(/^/, 'expected ');
    default:
      return undefined;
  }
}
