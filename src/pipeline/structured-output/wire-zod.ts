import { z } from 'zod';
import { parseDate } from '../../contract/schema/date-value.ts';
import type { SchemaNode } from '../../contract/schema/schema-node.ts';

/**
 * The zod check of wire data against a node in wire form: exactly what `wireJsonSchema` asks for —
 * objects with all their keys and no others, null allowed at every leaf, enum members, whole numbers
 * where an integer is asked, dates as real `YYYY-MM-DD` days, numeric bounds. A provider in strict
 * mode already enforces most of it; a model without structured output (or a provider bug) does not,
 * so the answer is data to be checked. Not checked: `pattern` and string `format`s (published schemas
 * contradict their own, e.g. ExtractBench's 10-Q pattern refuses its own default "NA"), and list
 * lengths (an empty list is how "none in the document" is said).
 */

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDay(value: string): boolean {
  return ISO_DAY.test(value) && parseDate(value) !== null;
}

function leafZod(node: SchemaNode): z.ZodType {
  switch (node.kind) {
    case 'string':
      return z.string();
    case 'date':
      return z.string().refine(isIsoDay, 'a date is written YYYY-MM-DD');
    case 'number':
    case 'integer': {
      let number = node.kind === 'integer' ? z.number().int() : z.number();
      if (node.minimum !== undefined) number = number.min(node.minimum);
      if (node.maximum !== undefined) number = number.max(node.maximum);
      return number;
    }
    case 'boolean':
      return z.boolean();
    case 'enum':
      return z.literal(node.values);
    default:
      return wireZod(node);
  }
}

const isScalarKind = (node: SchemaNode) => !['object', 'array', 'map', 'union'].includes(node.kind);

/** Alternatives; a union of scalars is a leaf and may be null like any leaf. */
function unionZod(optionNodes: readonly SchemaNode[], withNull: boolean): z.ZodType {
  const options = optionNodes.map(leafZod);
  const [first, second, ...rest] = withNull ? [...options, z.null()] : options;
  if (!first) return z.never();
  return second ? z.union([first, second, ...rest]) : first;
}

export function wireZod(node: SchemaNode): z.ZodType {
  switch (node.kind) {
    case 'object':
      return z.strictObject(Object.fromEntries(node.properties.map((property) => [property.name, wireZod(property.node)])));
    case 'array':
      // A value in a list is never null: a value the document lacks is not listed.
      return z.array(isScalarKind(node.items) ? leafZod(node.items) : node.items.kind === 'union' && node.items.options.every(isScalarKind) ? unionZod(node.items.options, false) : wireZod(node.items));
    case 'map':
      throw new Error('wireZod takes a node in wire form (see wireNode): maps are lists of entries there');
    case 'union':
      return unionZod(node.options, node.options.every(isScalarKind));
    default:
      return leafZod(node).nullable();
  }
}
