import type { SchemaNode } from './schema-node.ts';

/**
 * Which alternative of a union a value is an instance of. Data carries no tag, so the choice is by
 * shape: the option whose type fits the value, preferring a closer fit (an integer for a whole
 * number, an enum that lists the string, an object whose properties the value's keys are, rows whose
 * first item fits). Undefined when no option fits at all.
 */
export function unionOptionFor(options: readonly SchemaNode[], value: unknown): SchemaNode | undefined {
  let best: SchemaNode | undefined;
  let bestFit = 0;
  for (const option of options) {
    const fit = fitOf(option, value, 2);
    if (fit > bestFit) {
      best = option;
      bestFit = fit;
    }
  }
  return best;
}

/** 0: does not fit; higher: fits better. `depth` bounds how far into containers the look goes. */
function fitOf(node: SchemaNode, value: unknown, depth: number): number {
  if (value === null || value === undefined) return node.nullable ? 1 : 0.5;
  switch (node.kind) {
    case 'string':
      return typeof value === 'string' ? 2 : 0;
    case 'date':
      return typeof value === 'string' ? (/^\d{4}-\d{2}-\d{2}/.test(value) ? 3 : 1.5) : 0;
    case 'enum':
      if (node.values.includes(value as string | number | boolean)) return 4;
      return typeof value === typeof node.values[0] ? 1 : 0;
    case 'number':
      return typeof value === 'number' ? 2 : 0;
    case 'integer':
      return typeof value === 'number' ? (Number.isInteger(value) ? 3 : 0) : 0;
    case 'boolean':
      return typeof value === 'boolean' ? 2 : 0;
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return 0;
      const names = new Set(node.properties.map((property) => property.name));
      const keys = Object.keys(value);
      if (keys.length === 0) return 2;
      const known = keys.filter((key) => names.has(key)).length;
      return known === 0 ? 0.5 : 2 + known / keys.length;
    }
    case 'map':
      if (typeof value !== 'object' || Array.isArray(value)) return 0;
      return depth > 0 ? 1.5 + averageFit(node.values, Object.values(value), depth - 1) / 10 : 1.5;
    case 'array':
      if (!Array.isArray(value)) return 0;
      return depth > 0 ? 1.5 + averageFit(node.items, value, depth - 1) / 10 : 1.5;
    case 'union':
      return Math.max(0, ...node.options.map((option) => fitOf(option, value, depth)));
  }
}

function averageFit(node: SchemaNode, values: readonly unknown[], depth: number): number {
  const sample = values.slice(0, 5);
  if (sample.length === 0) return 1;
  return sample.reduce<number>((sum, value) => sum + fitOf(node, value, depth), 0) / sample.length;
}
