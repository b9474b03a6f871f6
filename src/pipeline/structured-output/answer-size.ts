import { valueLeaves } from '../../contract/schema/leaves.ts';
import { isLeaf, type ObjectNode, type SchemaNode } from '../../contract/schema/schema-node.ts';
import { decodeWire, encodeWire } from './wire-form.ts';

/** Rows assumed per list when nothing is known yet: enough room for a typical invoice's lines. */
const ROWS_PER_LIST = 8;
const MOST_VALUES = 5000;

/**
 * About how many values an answer of `root`'s shape holds, which sizes the call's output budget: the
 * values of `data` when it is known (a candidate to validate), else the schema's leaves with every
 * list assumed to hold a few rows. A low guess costs a truncated attempt, which retries with twice
 * the room; a high one only raises the cap.
 */
export function answerValues(root: ObjectNode, data?: unknown): number {
  if (data !== undefined) return Math.max(1, valueLeaves(root, data).length);
  const count = (node: SchemaNode, rows: number): number => {
    if (rows > MOST_VALUES) return MOST_VALUES;
    if (isLeaf(node)) return rows;
    switch (node.kind) {
      case 'object':
        return node.properties.reduce((sum, property) => sum + count(property.node, rows), 0);
      case 'array':
      case 'map':
        return count(node.kind === 'array' ? node.items : node.values, rows * ROWS_PER_LIST);
      case 'union':
        return Math.max(...node.options.map((option) => count(option, rows)));
      default:
        return rows;
    }
  };
  return Math.max(1, Math.min(MOST_VALUES, count(root, 1)));
}

/**
 * Data pointer → wire pointer for every node of `data`, so that what a model is shown names values
 * the way it names them in its answers (maps are lists of `{key, value}` rows on the wire).
 */
export function wirePointersOf(root: ObjectNode, data: unknown): Map<string, string> {
  const { pointers } = decodeWire(root, encodeWire(root, data));
  return new Map([...pointers.entries()].map(([wire, dataPointer]) => [dataPointer, wire]));
}
